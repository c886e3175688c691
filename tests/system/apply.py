#!/usr/bin/env python3
"""iptables-swift diff, apply and confirm, each scenario in a throwaway namespace (network,
mount, private /run).

  apply.py --ours BIN_DIR

diff: golden outputs (tests/system/apply-diff/*.txt) for a live ruleset and changed files,
both families; equal canonical forms show no change. apply: both families applied; a file
with errors applies nothing; a kernel-refused v6 table after the v4 tables committed puts
both families back, counters included; --confirm without a confirmation rolls back (exit 0
at once without a terminal, the timer does it); the caller's whole process group killed
during the wait still rolls back; `confirm` in time keeps the rules; a second apply while
one waits is refused; "no" at the terminal rolls back with exit 5.
"""
import argparse, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "apply-diff")

LIVE4 = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:OLD - [0:0]
[3:300] -A INPUT -i lo -j ACCEPT
[4:400] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
[5:500] -A INPUT -p udp -m udp --dport 53 -j ACCEPT
[6:600] -A FORWARD -o docker0 -j DOCKER
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
[7:700] -A POSTROUTING -s 172.17.0.0/16 -j MASQUERADE
COMMIT
"""
LIVE6 = """*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
[8:800] -A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
"""
# The file counterparts: the same rules written differently (no -m tcp, /32 left out).
SAME4 = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:OLD - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -p udp --dport 53 -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
COMMIT
"""
DIFFS = {  # name: (family, file text)
    "unchanged-canonical.v4": ("4", SAME4),
    "moved-added-removed.v4": ("4", SAME4.replace("-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n",
                                                   "-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -i lo -j ACCEPT\n")
                               .replace("-A INPUT -p udp --dport 53 -j ACCEPT\n", "-A INPUT -p tcp --dport 443 -j ACCEPT\n")),
    "chains-and-policy.v4": ("4", SAME4.replace(":OLD - [0:0]\n", ":NEW - [0:0]\n").replace(":FORWARD DROP", ":FORWARD ACCEPT")),
    "other-table.v4": ("4", "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
                            "-A POSTROUTING -s 172.18.0.0/16 -j MASQUERADE\nCOMMIT\n"),
    "ipv6.v6": ("6", "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                     "-A INPUT -s 2001:db8::/32 -p tcp --dport 22 -j ACCEPT\n-A INPUT -p ipv6-icmp -j ACCEPT\nCOMMIT\n"),
}

failures = []


def fail(name, why):
    failures.append(name)
    print(f"FAIL {name}: {why}")


def namespace(script, tmp, stdin=None, timeout=60):
    """Runs a shell script in a throwaway namespace loaded with LIVE4/LIVE6 (with counters)."""
    open(f"{tmp}/live4", "w").write(LIVE4)
    open(f"{tmp}/live6", "w").write(LIVE6)
    setup = (f"mount -t tmpfs tmpfs /run && iptables-legacy-restore -c {tmp}/live4 && ip6tables-legacy-restore -c {tmp}/live6 && "
             f"cd {tmp} && ")
    return subprocess.run(["unshare", "-n", "-m", "sh", "-c", setup + script], capture_output=True, text=True,
                          input=stdin, timeout=timeout)


def saves():
    return "iptables-legacy-save -c | grep -v '^#'; ip6tables-legacy-save -c | grep -v '^#'"


def diffs(ours, tmp, record):
    for name, (family, text) in DIFFS.items():
        open(f"{tmp}/{name}", "w").write(text)
        p = namespace(f"{ours} diff -{family} {name}; echo rc=$?", tmp)
        golden = os.path.join(GOLDEN, name + ".txt")
        if record:
            open(golden, "w").write(p.stdout)
        want = open(golden).read() if os.path.exists(golden) else None
        if p.stdout != want or p.stderr:
            fail(f"diff {name}", f"\n--- want\n{want}--- got\n{p.stdout}{p.stderr}")


def applies(ours, tmp):
    v4 = SAME4.replace("-A INPUT -p udp --dport 53 -j ACCEPT\n", "")
    v6 = "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p ipv6-icmp -j ACCEPT\nCOMMIT\n"
    bad6 = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp -j DNAT --to-destination [2001:db8::1]\nCOMMIT\n"
    for n, t in (("v4", v4), ("v6", v6), ("bad6", bad6)):
        open(f"{tmp}/{n}", "w").write(t)
    before = namespace(saves(), tmp).stdout

    p = namespace(f"{ours} apply -4 v4 -6 v6; echo rc=$?; {saves()}", tmp)
    if "rc=0" not in p.stdout or "ipv4 filter: changed (+0 -1 rules)" not in p.stdout \
            or "ipv6 filter: changed (+1 -1 rules, 1 policies)" not in p.stdout or "-A INPUT -p ipv6-icmp" not in p.stdout:
        fail("apply both families", p.stdout + p.stderr)

    p = namespace(f"{ours} apply -4 v4 -6 bad6; echo rc=$?; {saves()}", tmp)
    if "rc=1" not in p.stdout or "nothing applied" not in p.stderr or p.stdout.split("rc=1\n")[1] != before:
        fail("apply refuses a file with errors", p.stdout + p.stderr)

    p = namespace(f"{ours} apply --no-check -4 v4 -6 bad6; echo rc=$?; {saves()}", tmp)
    if "rc=1" not in p.stdout or "every table is back as it was" not in p.stderr or p.stdout.split("rc=1\n")[1] != before:
        fail("v6 refused after v4 committed: all back, counters too", p.stdout + p.stderr)

    p = namespace(f"{ours} apply --confirm 1 -4 v4; echo rc=$?; {ours} apply -4 v4; echo second=$?; "
                  f"sleep 2.5; {ours} apply --pending; {saves()}", tmp)
    if "rc=0" not in p.stdout or "second=1" not in p.stdout or "waiting for its confirmation" not in p.stderr \
            or "last: rolled back" not in p.stdout or p.stdout.split("\n", p.stdout.count("\n") - before.count("\n"))[-1] != before:
        fail("no confirmation: rolled back", p.stdout + p.stderr)

    p = namespace(f"{ours} apply --confirm 2 -4 v4 && {ours} confirm && sleep 3 && {ours} apply --pending; {saves()}", tmp)
    if "last: confirmed" not in p.stdout or "-A INPUT -p udp" in p.stdout:
        fail("confirmed in time: kept", p.stdout + p.stderr)

    # The caller (a terminal session, as over SSH) killed with its whole process group.
    # The apply runs in a terminal session (script's pty) and writes its own pid first.
    open(f"{tmp}/caller.sh", "w").write(f"#!/bin/sh\necho $$ > {tmp}/appid\nexec {ours} apply --confirm 2 -4 v4\n")
    os.chmod(f"{tmp}/caller.sh", 0o755)
    kill = (f"(setsid script -qec {tmp}/caller.sh /dev/null </dev/null >/dev/null 2>&1 & echo $! > caller); "
            "sleep 1; app=$(cat appid 2>/dev/null); [ -n \"$app\" ] || echo no-caller; "
            "kill -9 -$(ps -o pgid= -p $app | tr -d ' ') -$(cat caller); sleep 0.3; "
            "ps -o stat= -p $app | grep -qv Z && echo caller-alive; "
            f"sleep 2.5; {ours} apply --pending; {saves()}")
    p = namespace(kill, tmp)
    if "caller-alive" in p.stdout or "no-caller" in p.stdout or "last: rolled back" not in p.stdout or not p.stdout.endswith(before):
        fail("process group killed: still rolled back", p.stdout + p.stderr)

    p = namespace(f"printf 'no\\n' | script -qec '{ours} apply --confirm 5 -4 v4' /dev/null; echo rc=$?; {saves()}", tmp)
    if "rc=5" not in p.stdout or "the answer was not yes" not in p.stdout or not p.stdout.endswith(before):
        fail("no at the terminal: rolled back, exit 5", p.stdout + p.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--record", action="store_true")
    a = ap.parse_args()
    ours = os.path.join(os.path.abspath(a.ours), "iptables-swift")
    if not os.access(ours, os.X_OK):
        sys.exit(f"apply.py: {ours} is not executable")
    os.makedirs(GOLDEN, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        diffs(ours, tmp, a.record)
        applies(ours, tmp)
    print(f"apply: {len(DIFFS) + 7 - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


main()
