#!/usr/bin/env python3
"""Restores that change nothing commit nothing; restores that change something end exactly
as iptables-legacy-restore leaves the table.

  noop.py --ours BIN_DIR

Each case, in twin throwaway namespaces (ours, legacy): the same start (loaded with
iptables-legacy-restore -c, so rules and policies have counters), then the same restore
input to ours and to iptables-legacy-restore. Ours runs under strace: the number of
IPT_SO_SET_REPLACE calls (commits) must be as the case says. When ours commits, the tables
read back with iptables-legacy-save -c must equal legacy's; when it skips, they must equal
the start (counters kept: the deliberate difference).
"""
import argparse, os, random, re, subprocess, sys, tempfile

START = """*filter
:INPUT DROP [10:1000]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [20:2000]
:KUBE-SVC-A - [0:0]
:KUBE-SEP-B - [0:0]
:KUBE-MARK - [0:0]
[5:500] -A INPUT -i lo -j ACCEPT
[6:600] -A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m limit --limit 5/min -j ACCEPT
[7:700] -A INPUT -m statistic --mode random --probability 0.25 -j KUBE-SVC-A
[8:800] -A INPUT -m comment --comment "two words" -m quota --quota 1000 -j LOG --log-prefix "x: "
[1:100] -A KUBE-SVC-A -j KUBE-SEP-B
[2:200] -A KUBE-SEP-B -s 10.0.0.0/8 -g KUBE-MARK
[3:300] -A KUBE-SEP-B -j RETURN
[4:400] -A KUBE-MARK -j MARK --set-xmark 0x4000/0x4000
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
[4:400] -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
[9:900] -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
[1:10] -A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
"""


def without_counters(text):
    return re.sub(r"^\[\d+:\d+\] ", "", re.sub(r" \[\d+:\d+\]$", " [0:0]", text, flags=re.M), flags=re.M)


SAME = without_counters(START)
# (name, restore options, input, tables ours commits)
CASES = [
    ("unchanged", [], SAME, set()),
    ("unchanged, one table", [], SAME.split("*nat")[0], set()),
    ("unchanged with -c and equal counters", ["-c"], START, set()),
    ("-c with other counters", ["-c"], START.replace("[6:600]", "[60:6000]"), {"filter"}),
    ("-c with a policy's other counters", ["-c"], START.replace(":INPUT DROP [10:1000]", ":INPUT DROP [0:0]"), {"filter"}),
    ("a rule changed", [], SAME.replace("--dport 22", "--dport 2222"), {"filter"}),
    ("a rule added at the end", [], SAME.replace("-A KUBE-MARK -j MARK", "-A INPUT -j DROP\n-A KUBE-MARK -j MARK"), {"filter"}),
    ("a rule removed", [], SAME.replace("-A INPUT -i lo -j ACCEPT\n", ""), {"filter"}),
    ("two rules swapped", [], SAME.replace("-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp",
                                           "-A INPUT -p tcp").replace("-j ACCEPT\n-A INPUT -m statistic",
                                                                      "-j ACCEPT\n-A INPUT -i lo -j ACCEPT\n-A INPUT -m statistic"), {"filter"}),
    ("a policy changed", [], SAME.replace(":OUTPUT ACCEPT", ":OUTPUT DROP", 1), {"filter"}),
    ("a policy changed, then back", [], SAME.replace(":OUTPUT ACCEPT [0:0]\n", ":OUTPUT DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n", 1), {"filter"}),
    ("a policy and a rule changed", [], SAME.replace(":OUTPUT ACCEPT", ":OUTPUT DROP", 1).replace("--dport 22", "--dport 2222"), {"filter"}),
    ("a bad policy name", [], SAME.replace(":OUTPUT ACCEPT", ":OUTPUT BOGUS", 1), set()),
    ("a policy on a user chain", [], SAME.replace(":KUBE-MARK - [0:0]", ":KUBE-MARK ACCEPT [0:0]"), set()),
    ("a chain added", [], SAME.replace(":KUBE-SEP-B - [0:0]\n", ":KUBE-SEP-B - [0:0]\n:NEW - [0:0]\n"), {"filter"}),
    ("a chain left out", [], SAME.replace(":DOCKER - [0:0]\n", "").replace("-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n", "")
     .replace("-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n", ""), {"nat"}),
    ("a jump retargeted", [], SAME.replace("-A KUBE-SVC-A -j KUBE-SEP-B", "-A KUBE-SVC-A -j RETURN"), {"filter"}),
    ("goto made jump", [], SAME.replace("-g KUBE-MARK", "-j KUBE-MARK"), {"filter"}),
    ("a -Z line", [], SAME.replace("COMMIT\n*nat", "-Z INPUT\nCOMMIT\n*nat"), {"filter"}),
    ("a listing line", [], SAME.replace("COMMIT\n*nat", "-S INPUT\nCOMMIT\n*nat"), set()),
    ("--noflush, nothing new", ["--noflush"], "*filter\n:KUBE-SVC-A - [0:0]\n-A KUBE-SVC-A -j KUBE-SEP-B\nCOMMIT\n", set()),
    ("--noflush --counters, kube-proxy style", ["--noflush", "--counters"],
     "*filter\n:KUBE-SVC-A - [0:0]\n:KUBE-SEP-B - [0:0]\n-A KUBE-SVC-A -j KUBE-SEP-B\n-A KUBE-SEP-B -s 10.0.0.0/8 -g KUBE-MARK\n"
     "-A KUBE-SEP-B -j RETURN\nCOMMIT\n", set()),
    ("--noflush, a change", ["--noflush"], "*filter\n-A INPUT -j DROP\nCOMMIT\n", {"filter"}),
]


def mutations(seed, count):
    """Random edits of SAME (rules dropped, duplicated, moved, changed; chains added or
    left out; policies flipped; -c with counters): each a restore input whose result must be
    legacy's in every table ours commits, and the start in every table it skips."""
    rng = random.Random(seed)
    lines = SAME.splitlines()
    out = []
    for n in range(count):
        ls = list(lines)
        for _ in range(rng.randint(1, 3)):
            rules = [i for i, l in enumerate(ls) if l.startswith("-A ")]
            kind = rng.choice(["drop", "dup", "move", "port", "policy", "chain", "none"])
            i = rng.choice(rules)
            if kind == "drop":
                del ls[i]
            elif kind == "dup":
                ls.insert(i, ls[i])
            elif kind == "move":
                line = ls.pop(i)
                chain = line.split()[1]
                same = [j for j, l in enumerate(ls) if l.startswith("-A %s " % chain)]
                ls.insert(rng.choice(same + [i]), line)
            elif kind == "port" and "--dport 22" in "\n".join(ls):
                ls = [l.replace("--dport 22", "--dport 23") for l in ls]
            elif kind == "policy":
                ls = [l.replace(":INPUT DROP", ":INPUT ACCEPT") if l.startswith(":INPUT DROP") else l for l in ls]
            elif kind == "chain":
                j = next(k for k, l in enumerate(ls) if l.startswith(":KUBE-MARK"))
                ls.insert(j, ":EXTRA - [0:0]")
        options = rng.choice([[], [], ["-c"], ["--noflush"]])
        text = "\n".join(ls) + "\n"
        if options == ["-c"]:
            text = "\n".join(("[%d:%d] " % (rng.randint(0, 9), rng.randint(0, 900)) + l) if l.startswith("-A ") else l
                             for l in ls) + "\n"
        out.append(("random %d %s" % (n, options), options, text, None))
    return out


def run_case(ours, name, options, text, commits, tmp):
    start = os.path.join(tmp, "start")
    given = os.path.join(tmp, "input")
    open(start, "w").write(START)
    open(given, "w").write(text)
    save = "iptables-legacy-save -c | grep -v '^#'"
    results = {}
    for who in ("ours", "legacy"):
        tool = os.path.join(ours, "iptables-restore") if who == "ours" else "iptables-legacy-restore"
        trace = f"strace -f -qq -s 16 -e trace=setsockopt -o {tmp}/strace.log " if who == "ours" else ""
        script = (f"mount -t tmpfs tmpfs /run && iptables-legacy-restore -c {start} && {save} > {tmp}/{who}.before && "
                  f"{trace}{tool} {' '.join(options)} {given}; echo $? > {tmp}/{who}.rc; {save} > {tmp}/{who}.after")
        p = subprocess.run(["unshare", "-n", "-m", "sh", "-c", script], capture_output=True, text=True)
        if p.returncode != 0:
            return f"{who}: set-up failed: {p.stderr}"
        results[who] = {k: open(f"{tmp}/{who}.{k}").read() for k in ("before", "rc", "after")}
        results[who]["out"] = p.stdout + p.stderr
    got = set(re.findall(r'IPT_SO_SET_REPLACE, "(\w+)', open(f"{tmp}/strace.log").read()))
    o, l = results["ours"], results["legacy"]
    if o["rc"] != l["rc"] or o["out"] != l["out"]:
        return f"exit/output differ: ours {o['rc'].strip()} {o['out']!r}, legacy {l['rc'].strip()} {l['out']!r}"
    before, legacy_after = tables(o["before"]), tables(l["after"])
    if commits is None:
        # A random case: ours must skip exactly the tables legacy left as they were: rules
        # and policies, and under -c (where mutations() gives every rule and policy its
        # counters) the counters too.
        same = (lambda a, b: a == b) if "-c" in options else (lambda a, b: without_counters(a) == without_counters(b))
        commits = {t for t in before if not same(legacy_after.get(t, ""), before[t])}
    if got != commits:
        return f"ours committed {sorted(got)}, expected {sorted(commits)}"
    # A table ours committed ends as legacy's; one it skipped keeps its counters.
    # A table ours skipped must be one legacy left the same but for counters.
    for t in before:
        if t not in got and without_counters(legacy_after.get(t, "")) != without_counters(before[t]):
            return f"ours skipped {t}, which legacy changed:\n" + legacy_after.get(t, "")
    want = {t: legacy_after[t] if t in commits else before[t] for t in before}
    if tables(o["after"]) != want:
        return "tables differ:\n--- want\n" + "".join(want.values()) + "--- ours\n" + o["after"]
    return None


def tables(save):
    """The blocks of an iptables-save text, by table name."""
    return {m.group(1): m.group(0) for m in re.finditer(r"^\*(\w+)\n.*?^COMMIT\n", save, re.M | re.S)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--random", type=int, default=40, help="random edits to try besides the fixed cases")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    ours = os.path.abspath(a.ours)
    if not os.access(os.path.join(ours, "iptables-restore"), os.X_OK):
        sys.exit(f"noop.py: no iptables-restore in {ours}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, options, text, commits in CASES + mutations(a.seed, a.random):
            why = run_case(ours, name, options, text, commits, tmp)
            if why:
                failed += 1
                print(f"FAIL {name}: {why}")
    print(f"noop: {len(CASES) + a.random - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
