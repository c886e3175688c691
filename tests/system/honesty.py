#!/usr/bin/env python3
"""Honesty about the machine, each scenario in a throwaway namespace (network, mount,
private /run):

  honesty.py --ours BIN_DIR [--legacy-only]

nft warning: every command runs with our tools and with iptables-legacy in twin namespaces
holding the same legacy tables and the same nf_tables tables (made with nft). Stdout, exit
status and the legacy tables read back afterwards must be equal; stderr must be legacy's,
plus "# Warning: iptables-nft tables present, use iptables-nft[-save] to see them" exactly
where iptables-nft 1.8.9 puts its warning about legacy tables (-L and -S: first, even when
the listing then fails; the save tools: once, last) and only when an `ip`/`ip6` table named
like an iptables table holds a chain. --legacy-only runs legacy on both sides and expects
no warning (it checks the runner).

status: both backends with their chain and rule counts, the alternatives (a private
/etc/alternatives and dpkg admin folder), the lock holder, a pending apply, JSON and text.

lock: at a terminal (script's pty) a wait of more than a second names the holder once;
with stderr a pipe nothing is added; -w N still gives up after N seconds with 1.8.9's text.
"""
import argparse, json, os, subprocess, sys, tempfile, time

LIVE4 = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 172.17.0.0/16 -j MASQUERADE
COMMIT
"""
LIVE6 = """*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
"""
RESTORE4 = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n"

HOOK = '"{ type filter hook input priority 0; }"'
# nft set-ups: name -> (nft commands, families whose tools warn)
NFT = {
    "none": ("", set()),
    "ip filter with a chain": (f"nft add table ip filter && nft add chain ip filter INPUT {HOOK} && "
                               "nft add rule ip filter INPUT tcp dport 22 accept", {"4"}),
    "ip nat, a regular chain": ("nft add table ip nat && nft add chain ip nat KUBE-X", {"4"}),
    "ip6 mangle with a chain": (f"nft add table ip6 mangle && nft add chain ip6 mangle INPUT {HOOK}", {"6"}),
    "ip filter without chains": ("nft add table ip filter", set()),
    "inet filter with a chain": (f"nft add table inet filter && nft add chain inet filter INPUT {HOOK}", set()),
    "ip table of another name": (f"nft add table ip firewalld && nft add chain ip firewalld INPUT {HOOK}", set()),
}
# commands: (shell words with IPT/IP6T/SAVE/SAVE6/RESTORE, family, where ours warns)
COMMANDS = [
    ("IPT -S", "4", "first"), ("IPT -S INPUT", "4", "first"), ("IPT -S INPUT 1", "4", "first"),
    ("IPT -L", "4", "first"), ("IPT -L -n -v --line-numbers", "4", "first"), ("IPT -t nat -L -n", "4", "first"),
    ("IPT -L -n -x -v -Z", "4", "first"), ("IPT -L NOPE", "4", "first"), ("IPT -S NOPE", "4", "first"),
    ("IPT -L INPUT 9", "4", "first"),
    ("IPT -t nosuch -L", "4", None), ("IPT -L --bogus", "4", None), ("IPT -L -S", "4", None),
    ("IPT -A INPUT -j ACCEPT", "4", None), ("IPT -C INPUT -i lo -j ACCEPT", "4", None),
    ("IPT -D INPUT 1", "4", None), ("IPT -I INPUT -j DROP", "4", None), ("IPT -F", "4", None),
    ("IPT -Z", "4", None), ("IPT -N NEW", "4", None), ("IPT -X DOCKER", "4", None),
    ("IPT -P INPUT DROP", "4", None), ("IPT -E DOCKER D2", "4", None), ("IPT -V", "4", None),
    ("SAVE", "4", "last"), ("SAVE -c", "4", "last"), ("SAVE -t nat", "4", "last"),
    ("SAVE -t nosuch", "4", None), ("SAVE --bogus", "4", None),
    ("RESTORE < restore4", "4", None), ("RESTORE --test < restore4", "4", None),
    ("IP6T -S", "6", "first"), ("IP6T -L -n", "6", "first"), ("IP6T -A INPUT -j ACCEPT", "6", None),
    ("SAVE6", "6", "last"), ("SAVE6 -t filter", "6", "last"),
]
NAMES = {"IPT": "iptables", "IP6T": "ip6tables", "SAVE": "iptables-save", "SAVE6": "ip6tables-save",
         "RESTORE": "iptables-restore"}


def tool_dir(multi, tmp, side):
    """A folder of links with the plain tool names to a multi-call binary, so that both
    sides print the same program names."""
    d = os.path.join(tmp, side)
    os.makedirs(d, exist_ok=True)
    for name in NAMES.values():
        os.symlink(multi, os.path.join(d, name))
    return d


failures = []
passed = 0


def fail(name, why):
    failures.append(name)
    print(f"FAIL {name}: {why}")


def ok():
    global passed
    passed += 1


def namespace(script, tmp, timeout=60, extra_setup=""):
    """Runs a shell script in a throwaway namespace holding LIVE4/LIVE6 in legacy tables."""
    for name, text in (("live4", LIVE4), ("live6", LIVE6), ("restore4", RESTORE4)):
        open(f"{tmp}/{name}", "w").write(text)
    setup = (f"mount -t tmpfs tmpfs /run && iptables-legacy-restore live4 && ip6tables-legacy-restore live6 && "
             f"{extra_setup}")
    return subprocess.run(["unshare", "-n", "-m", "sh", "-c", f"cd {tmp} && {setup}{{ {script}\n}}"],
                          capture_output=True, text=True, timeout=timeout)


def words(command, tools):
    """The command with its tool named plainly, run from the side's tool folder."""
    key, _, rest = command.partition(" ")
    return f"PATH={tools}:$PATH {NAMES[key]} {rest}"


def run_one(command, tools, nft, tmp):
    """stdout, stderr, status and the legacy tables afterwards, for one command."""
    state = "; echo '--state--'; iptables-legacy-save | grep -v '^#'; ip6tables-legacy-save | grep -v '^#'"
    setup = (nft + " && ") if nft else ""
    p = namespace(f"{words(command, tools)} > out 2> err; echo $? > rc{state}", tmp, extra_setup=setup)
    if p.returncode != 0 or "--state--" not in p.stdout:
        return None, p.stdout + p.stderr
    read = lambda n: open(os.path.join(tmp, n)).read()
    return (read("out"), read("err"), read("rc").strip(), p.stdout.split("--state--", 1)[1]), None


def warning(family, save):
    tool = "iptables" if family == "4" else "ip6tables"
    return f"# Warning: {tool}-nft tables present, use {tool}-nft{'-save' if save else ''} to see them\n"


def nft_warnings(ours_tools, legacy_tools, legacy_only, tmp):
    for setup_name, (nft, warns) in NFT.items():
        for command, family, where in COMMANDS:
            name = f"nft warning [{setup_name}] {command}"
            ref, err = run_one(command, legacy_tools, nft, tmp)
            got, err2 = run_one(command, ours_tools, nft, tmp)
            if ref is None or got is None:
                fail(name, f"namespace failed: {err or err2}")
                continue
            want_err = ref[1]
            if not legacy_only and where and family in warns:
                w = warning(family, save=command.startswith("SAVE"))
                want_err = w + ref[1] if where == "first" else ref[1] + w
            strip = lambda t: "".join(l for l in t.splitlines(True) if not l.startswith("# Generated")
                                      and not l.startswith("# Completed"))
            same_out = strip(got[0]) == strip(ref[0])
            if got[1] != want_err or not same_out or got[2] != ref[2] or got[3] != ref[3]:
                fail(name, f"\n  status {got[2]} (legacy {ref[2]})\n  stderr {got[1]!r}\n  want   {want_err!r}"
                           f"\n  stdout equal: {same_out}; state equal: {got[3] == ref[3]}")
            else:
                ok()


def status_checks(ours, tmp):
    nft = (f"nft add table ip filter && nft add chain ip filter INPUT {HOOK} && "
           "nft add rule ip filter INPUT tcp dport 22 accept && nft add rule ip filter INPUT udp dport 53 accept && "
           "nft add chain ip filter OTHER && nft add table ip6 custom && nft add chain ip6 custom c1")
    alternatives = ("mount -t tmpfs tmpfs /etc/alternatives && mount -t tmpfs tmpfs /var/lib/dpkg/alternatives && "
                    "update-alternatives --quiet --install $PWD/link-iptables iptables /usr/sbin/iptables-legacy 10 && "
                    "update-alternatives --quiet --install $PWD/link-iptables iptables /usr/sbin/iptables-nft 20 && "
                    "update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy && ")
    open(f"{tmp}/apply4", "w").write(LIVE4.replace("-A INPUT -i lo -j ACCEPT\n", ""))
    script = (f"flock /run/xtables.lock sleep 30 & echo $! > holder; sleep 0.3; "
              f"{ours}/iptables-swift status --json > status.json; echo rc=$?; "
              f"{ours}/iptables-swift status; kill $(cat holder); wait; "
              f"{ours}/iptables-swift apply --confirm 60 -4 apply4 >/dev/null 2>&1; "
              f"{ours}/iptables-swift status -4 --json > pending.json; {ours}/iptables-swift confirm >/dev/null; "
              f"{ours}/iptables-swift status -6 --json > after.json; "
              f"{ours}/iptables-swift status --bogus; echo usage=$?")
    p = namespace(script, tmp, extra_setup=nft + " && " + alternatives)
    try:
        s = json.load(open(f"{tmp}/status.json"))
        pending = json.load(open(f"{tmp}/pending.json"))
        after = json.load(open(f"{tmp}/after.json"))
        holder = int(open(f"{tmp}/holder").read())
    except (OSError, ValueError) as e:
        return fail("status", f"no report ({e}): {p.stdout}{p.stderr}")
    v4, v6 = s["families"]
    checks = {
        "exit 0": "rc=0" in p.stdout,
        "legacy v4 tables counted": sorted(v4["legacy"]["tables"], key=lambda t: t["name"]) == [{"name": "filter", "chains": 4, "rules": 3},
                                                               {"name": "nat", "chains": 4, "rules": 1}],
        "legacy v6": v6["legacy"]["tables"] == [{"name": "filter", "chains": 3, "rules": 1}],
        "nft v4 counted, iptables-nft's": v4["nft"]["tables"] == [
            {"name": "filter", "chains": 2, "rules": 2, "iptables_nft": True}],
        "nft v6 custom table not iptables-nft's": v6["nft"]["tables"] == [
            {"name": "custom", "chains": 1, "rules": 0, "iptables_nft": False}],
        "alternative selected, manual": v4["alternative"] == {"name": "iptables", "value": "/usr/sbin/iptables-legacy",
                                                             "mode": "manual"},
        "ip6tables alternative absent": v6["alternative"]["value"] is None,
        "lock holder": s["lock"]["held"] and s["lock"]["pid"] == holder and "flock" in (s["lock"]["command"] or ""),
        "no pending apply": s["pending_apply"] is None,
        "text names both backends": "note: both backends hold iptables tables" in p.stdout
                                    and "held by PID" in p.stdout,
        "pending apply shown": pending["pending_apply"] is not None and pending["pending_apply"]["files"]
                               and 0 < pending["pending_apply"]["seconds_left"] <= 60
                               and [f["family"] for f in pending["families"]] == ["ipv4"],
        "confirmed: nothing pending, lock free": after["pending_apply"] is None and not after["lock"]["held"],
        "usage error exit 2": "usage=2" in p.stdout,
    }
    for what, good in checks.items():
        if good:
            ok()
        else:
            fail(f"status: {what}", json.dumps(s, indent=1) + p.stdout + p.stderr)

    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", f"{ours}/iptables-swift",
                        "status", "--json"], capture_output=True, text=True)
    try:
        r = json.loads(p.stdout)
        good = p.returncode == 1 and r["families"][0]["legacy"]["error"] and r["families"][0]["legacy"]["tables"] is None
    except ValueError:
        good = False
    if good:
        ok()
    else:
        fail("status as nobody: unknown, exit 1", p.stdout + p.stderr)


def lock_checks(ours, legacy_only, tmp):
    tool = "iptables-legacy" if legacy_only else f"{ours}/iptables"
    hold = "flock /run/xtables.lock sleep {0} & echo $! > holder; sleep 0.3; "
    # At a terminal: one line naming the holder, then the listing.
    p = namespace(hold.format(2.5) + f"script -qec '{tool} -w -S' /dev/null; echo rc=$?; cat holder", tmp)
    out = p.stdout.replace("\r", "")
    holder = out.strip().splitlines()[-1] if out.strip() else "?"
    line = f"Another app is currently holding the xtables lock: PID {holder} (flock /run/xtables.lock sleep 2.5). Waiting for it...\n"
    want_line = not legacy_only
    if (line in out) != want_line or out.count("Waiting for it") > 1 or "-P INPUT ACCEPT" not in out or "rc=0" not in out:
        fail("lock: a terminal names the holder once", repr(out))
    else:
        ok()
    # Without -w (1.8.9 waits as long as it takes) the same.
    p = namespace(hold.format(2) + f"script -qec '{tool} -S' /dev/null; echo rc=$?", tmp)
    if ("Waiting for it" in p.stdout) != want_line or "rc=0" not in p.stdout:
        fail("lock: no -w at a terminal", repr(p.stdout))
    else:
        ok()
    # stderr a pipe: nothing added.
    p = namespace(hold.format(2) + f"{tool} -w -S 2> err; echo rc=$?; cat err", tmp)
    if "Waiting" in p.stdout or "rc=0" not in p.stdout or "-P INPUT ACCEPT" not in p.stdout:
        fail("lock: stderr a pipe says nothing", p.stdout)
    else:
        ok()
    # -w 2 while held for 6 s: the holder named, then 1.8.9's message at 2 s, exit 4.
    p = namespace(hold.format(6) + f"t0=$(date +%s%N); script -qec '{tool} -w 2 -S' /dev/null; echo rc=$?; "
                  "echo took=$((($(date +%s%N) - t0) / 1000000)); kill $(cat holder)", tmp)
    out = p.stdout.replace("\r", "")
    took = int(out.split("took=")[1].split()[0]) / 1000 if "took=" in out else 99
    if ("Waiting for it" in out) != want_line or "Stopped waiting after 2s." not in out or "rc=4" not in out or not 1.9 < took < 3:
        fail("lock: -w 2 gives up after 2 s", f"{took:.1f}s {out!r}")
    else:
        ok()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--legacy-only", action="store_true", help="legacy on both sides (checks the runner)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("honesty.py: needs root (namespaces, nft)")
    for need in ("nft", "iptables-legacy", "script", "update-alternatives", "flock"):
        if subprocess.run(["sh", "-c", f"command -v {need}"], capture_output=True).returncode != 0:
            sys.exit(f"honesty.py: {need} not found")
    ours = os.path.abspath(a.ours)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        legacy_tools = tool_dir("/usr/sbin/xtables-legacy-multi", tmp, "legacy-bin")
        tools = legacy_tools if a.legacy_only else tool_dir(f"{ours}/xtables-swift-multi", tmp, "ours-bin")
        nft_warnings(tools, legacy_tools, a.legacy_only, tmp)
        lock_checks(ours, a.legacy_only, tmp)
        if not a.legacy_only:
            status_checks(ours, tmp)
    print(f"honesty: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures or passed == 0 else 0)


if __name__ == "__main__":
    main()
