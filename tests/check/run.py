#!/usr/bin/env python3
"""Tests of `iptables-swift check` (as root, in a throwaway mount namespace for /run).

  run.py --ours BIN_DIR [--record] [--only SUBSTRING]

For every broken file of tests/check/broken (and the big ones made here from
scripts/gen-ruleset, broken at line 10,000+):
  - iptables-legacy-restore (or ip6tables-legacy-restore) must refuse it, in a throwaway
    network namespace; the line it names is read from its message;
  - check, run as `nobody`, must print exactly tests/check/expected/NAME.txt and exit 1;
    its first error must be at legacy's line, except for kernel-* files, where legacy names
    the COMMIT line and check must name a rule line before it;
  - check as root must find the same errors at the same places (the causes may quote the
    kernel's log, which only root reads).
Then: files from scripts/gen-ruleset check clean (both families, as nobody and root); the
host's tables are the same after as before, and no check ever opens /run/xtables.lock
(strace); --json, --max-errors, stdin, --noflush; the located messages of iptables and
iptables-restore appear under a pseudo-terminal and not in a pipe.
--record rewrites the expected files from the output as nobody.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BROKEN = os.path.join(HERE, "broken")
EXPECTED = os.path.join(HERE, "expected")
NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
# The plugin directory (machine-specific) as the expected files write it.
XTLIBDIR = subprocess.run(["pkg-config", "--variable=xtlibdir", "xtables"], capture_output=True).stdout.decode().strip()

# Big files: (name, family, generator kind, rules, line to insert at, broken line). The
# line number is where the broken line goes (the rest moves down one).
BIG = [
    ("big-unknown-option.v4", "4", "flat", 12000, 10500, "-A INPUT -p tcp -m tcp --dprot 22 -j ACCEPT"),
    ("big-jump-undeclared.v4", "4", "chains", 12000, 11000, "-A INPUT -j NO-SUCH-CHAIN"),
    ("big-kernel-dnat-in-filter.v4", "4", "flat", 12000, 11500, "-A INPUT -p tcp -j DNAT --to-destination 10.0.0.1"),
    ("big-bad-address.v6", "6", "flat", 12000, 10001, "-A INPUT -s 2001:db8::zz -j DROP"),
    ("big-kernel-loop.v6", "6", "chains", 12000, 11999, None),
]

failures = []


def fail(name, why):
    failures.append(name)
    print("FAIL %s: %s" % (name, why))


def run(argv, stdin=None, cwd=None):
    return subprocess.run(argv, input=stdin, capture_output=True, cwd=cwd)


def in_namespace(command):
    """A shell command in a throwaway network and mount namespace with a private /run."""
    return ["unshare", "-n", "-m", "sh", "-c", "mount -t tmpfs tmpfs /run && " + command]


def legacy_line(path):
    tool = "ip6tables-legacy-restore" if path.endswith(".v6") else "iptables-legacy-restore"
    p = run(in_namespace("exec %s %s" % (tool, path)))
    err = p.stderr.decode()
    for pattern in (r"line (\d+) failed", r"Error occurred at line: (\d+)", r"COMMIT expected at line (\d+)",
                    r" line (\d+):", r"Bad line (\d+)"):
        m = re.search(pattern, err)
        if m:
            return p.returncode, int(m.group(1)), err
    return p.returncode, None, err


def first_error_line(text):
    m = re.search(r"^[^\s:]+:(\d+)(?::\d+)?: error:", text, re.M)
    return int(m.group(1)) if m else None


def heads(text):
    return [l for l in text.splitlines() if re.match(r"^[^\s:]+(:\d+)*: (error|warning|note):", l)]


def check_file(ours, directory, name, record):
    path = os.path.join(directory, name)
    expected_file = os.path.join(EXPECTED, name + ".txt")
    rc, lline, lerr = legacy_line(path)
    if rc == 0:
        return fail(name, "iptables-legacy-restore accepts it: not a broken file")
    p = run(NOBODY + [ours, "check", name], cwd=directory)
    out = p.stdout.decode().replace(XTLIBDIR, "$XTLIBDIR") if XTLIBDIR else p.stdout.decode()
    if record:
        open(expected_file, "w").write(out)
    if p.returncode != 1:
        return fail(name, "check as nobody exited %d (want 1): %s%s" % (p.returncode, out, p.stderr.decode()))
    want = open(expected_file).read() if os.path.exists(expected_file) else None
    if want != out:
        return fail(name, "output as nobody differs from %s:\n--- want\n%s--- got\n%s" % (expected_file, want, out))
    cline = first_error_line(out)
    lines = open(path).read().split("\n")
    if "kernel-" in name:
        if lline is None or lines[lline - 1] != "COMMIT":
            return fail(name, "legacy does not name a COMMIT line: %s" % lerr)
        if cline is None or cline >= lline or lines[cline - 1].startswith(("COMMIT", ":", "*")):
            return fail(name, "check names line %s, not a rule of the table committed at %d" % (cline, lline))
    elif lline is not None and cline != lline:
        return fail(name, "check names line %s, legacy line %s (%s)" % (cline, lline, lerr.strip()))
    elif lline is None and cline is None:
        return fail(name, "neither names a line")
    r = run([ours, "check", name], cwd=directory)
    if r.returncode != 1 or heads(r.stdout.decode()) != heads(out):
        return fail(name, "as root (exit %d):\n%s" % (r.returncode, r.stdout.decode()))
    return True


def make_big(tmp):
    for name, family, kind, rules, at, line in BIG:
        text = run([os.path.join(ROOT, "scripts/gen-ruleset"), "--kind", kind, "--rules", str(rules),
                    "--family", family]).stdout.decode().split("\n")
        if line is None:  # a loop: the first chain jumps to itself through a second
            chains = [l[1:].split()[0] for l in text if l.startswith(":") and not l.startswith(":INPUT")
                      and " - " in l][:2]
            # Inserted at the top of chains INPUT reaches (after their unconditional RETURN
            # the kernel would not look: a loop counts only where packets can go).
            line = "-I %s -j %s" % (chains[1], chains[0])
            text.insert(at - 1, "-I %s -j %s" % (chains[0], chains[1]))
        text.insert(at - 1, line)
        header = "# Generated by %s-save v1.8.9\n" % ("ip6tables" if family == "6" else "iptables")
        open(os.path.join(tmp, name), "w").write(header + "\n".join(text))
    return [b[0] for b in BIG]


def host_state():
    state = ""
    for f in ("/proc/net/ip_tables_names", "/proc/net/ip6_tables_names"):
        try:
            state += open(f).read()
        except OSError as e:
            state += str(e)
    for tool in ("iptables-legacy-save", "ip6tables-legacy-save"):
        p = run([tool])
        state += re.sub(r"^#.*\n", "", p.stdout.decode(), flags=re.M)
    return state


def valid_files(ours, tmp):
    for family in ("4", "6"):
        for kind, n in (("flat", 3000), ("chains", 3000), ("kube", 3000)):
            name = "valid-%s.v%s" % (kind, family)
            open(os.path.join(tmp, name), "wb").write(run([os.path.join(ROOT, "scripts/gen-ruleset"), "--kind", kind,
                                                           "--rules", str(n), "--family", family]).stdout)
            for who in (NOBODY, []):
                p = run(who + [ours, "check", "-" + family, name], cwd=tmp)
                if p.returncode != 0 or p.stdout:
                    fail(name, "valid file (as %s) exit %d: %s" % ("nobody" if who else "root", p.returncode,
                                                                   p.stdout.decode()[:2000]))


def no_lock(ours, tmp):
    """strace: no check opens the lock file, as nobody or as root."""
    for who in (NOBODY, []):
        log = os.path.join(tmp, "strace.log")
        p = run(["strace", "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", log] + who
                + [ours, "check", os.path.join(tmp, "kernel-dnat-in-filter.v4"), os.path.join(tmp, "valid-kube.v4")])
        opened = open(log).read()
        if p.returncode != 1 or "xtables.lock" in opened or "kmsg" in opened and who:
            fail("no-lock", "exit %d; lock or kmsg opened:\n%s" % (p.returncode,
                 "\n".join(l for l in opened.splitlines() if "xtables" in l or "kmsg" in l)))


def options(ours, tmp):
    sample = os.path.join(tmp, "kernel-two-refused-rules.v4")
    p = run(NOBODY + [ours, "check", "--json", sample])
    try:
        items = json.loads(p.stdout)
        keys = list(items[0].keys())
        if keys != ["file", "line", "column", "severity", "message", "cause", "rule"] or len(items) != 2:
            fail("json", "keys %s, %d items" % (keys, len(items)))
    except (ValueError, IndexError) as e:
        fail("json", "%s: %r" % (e, p.stdout[:500]))
    many = "*filter\n" + "".join("-A INPUT -p tcp --dprot %d -j ACCEPT\n" % i for i in range(30)) + "COMMIT\n"
    for argv, count in (([], 20), (["--max-errors", "5"], 5)):
        p = run(NOBODY + [ours, "check"] + argv + ["-"], stdin=many.encode())
        got = len(re.findall(r"^-:\d+:\d+: error:", p.stdout.decode(), re.M))
        if p.returncode != 1 or got != count:
            fail("max-errors %s" % argv, "exit %d, %d errors (want %d)" % (p.returncode, got, count))
    p = run(NOBODY + [ours, "check", "--noflush", os.path.join(tmp, "unknown-option.v4")])
    if p.returncode != 1 or "needs root" not in p.stdout.decode():
        fail("noflush as nobody", p.stdout.decode())
    p = run(NOBODY + [ours, "check", "-n", "-"], stdin=b"*filter\n-A INPUT -j ACCEPT\nCOMMIT\n")
    if p.returncode != 3:
        fail("noflush as nobody, valid", "exit %d (want 3: a stage could not run)" % p.returncode)
    # As root a --noflush file is checked against a copy of the live tables (here a
    # throwaway namespace's, with a chain DOCKER that the file does not declare).
    change = b"*filter\n-A DOCKER -p tcp --dport 80 -j ACCEPT\n-A DOCKR -j RETURN\nCOMMIT\n"
    live = "iptables-legacy -N DOCKER && iptables-legacy -A DOCKER -j RETURN && "
    p = run(in_namespace(live + "%s check -n -" % ours), stdin=change)
    lp = run(in_namespace(live + "iptables-legacy-restore -n"), stdin=change)
    if p.returncode != 1 or re.findall(r"^-:(\d+):", p.stdout.decode(), re.M) != ["3"] \
            or "did you mean `DOCKER'?" not in p.stdout.decode() or "line 3 failed" not in lp.stderr.decode():
        fail("noflush as root", "exit %d %s / legacy: %s" % (p.returncode, p.stdout.decode(), lp.stderr.decode()))
    p = run(NOBODY + [ours, "check", "--bogus"])
    if p.returncode != 2:
        fail("usage", "exit %d" % p.returncode)
    p = run(NOBODY + [ours, "check", "-"], stdin=b"*filter\n-A INPUT -m set --match-set blocklist src -j DROP\nCOMMIT\n")
    if p.returncode != 0 or "checked in userspace only" not in p.stdout.decode():
        fail("ipset rule as nobody", "exit %d %s" % (p.returncode, p.stdout.decode()))


def ipsets(ours):
    """As root, the sets a file names are copied (definitions, no members) from the host,
    here a throwaway namespace with three sets: their rules pass, a missing set is an error
    at the line legacy names; the host's set keeps its member."""
    if not shutil.which("ipset"):
        return fail("ipset", "the ipset tool is missing (scripts/setup-packages installs it)")
    text = ("*filter\n-A INPUT -m set --match-set blocklist src -j DROP\n-A INPUT -m set --match-set ports dst,dst -j ACCEPT\n"
            "-A INPUT -j SET --add-set blocklist src\n-A INPUT -m set --match-set bm src -j DROP\n"
            "-A INPUT -m set --match-set nosuch src -j DROP\nCOMMIT\n").encode()
    sets = ("ipset create blocklist hash:ip timeout 300 && ipset add blocklist 10.1.1.1 && ipset create ports hash:ip,port"
            " && ipset create bm bitmap:ip range 10.0.0.0/24 && ")
    p = run(in_namespace(sets + "%s check - && exit 9; ipset list blocklist | grep -q '^10.1.1.1 '" % ours), stdin=text)
    out = p.stdout.decode()
    if p.returncode != 0 or re.findall(r"^-:(\d+):\d+: (\w+)", out, re.M) != [("6", "error")]:
        fail("ipset as root", "exit %d:\n%s%s" % (p.returncode, out, p.stderr.decode()))
    # Root of a user namespace only: the host's sets cannot be read, so notes, not errors.
    p = run(["unshare", "-U", "-r", ours, "check", "-"], stdin=text)
    if p.returncode != 0 or len(re.findall(r"^-:\d+:\d+: note: this rule uses an ipset", p.stdout.decode(), re.M)) != 5:
        fail("ipset in a user namespace", "exit %d:\n%s" % (p.returncode, p.stdout.decode()))
    p = run(in_namespace(sets + "iptables-legacy-restore"), stdin=text)
    if "Error occurred at line: 6" not in p.stderr.decode():
        fail("ipset legacy", p.stderr.decode())


def terminal(bin_dir):
    """The located message under a pseudo-terminal, not in a pipe (ours, in a namespace)."""
    sample = os.path.join(BROKEN, "unknown-option.v4")
    restore = os.path.join(bin_dir, "iptables-restore")
    tty = run(in_namespace("script -qec '%s %s' /dev/null" % (restore, sample))).stdout.decode()
    pipe = run(in_namespace("%s %s" % (restore, sample))).stderr.decode()
    if "^~~~~~~" not in tty or "did you mean `--dport'?" not in tty:
        fail("terminal restore", tty)
    if "^" in pipe or "did you mean" in pipe or "Error occurred at line: 11" not in pipe:
        fail("pipe restore", pipe)
    command = os.path.join(bin_dir, "iptables") + " -A INPUT -p tcp --dprot 22 -j ACCEPT"
    tty = run(in_namespace("script -qec '%s' /dev/null" % command)).stdout.decode()
    pipe = run(in_namespace(command)).stderr.decode()
    if "did you mean `--dport'?" not in tty or "did you mean" in pipe:
        fail("terminal iptables", tty + "\n" + pipe)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True, help="the directory with iptables-swift and iptables-restore")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    ours = os.path.join(os.path.abspath(a.ours), "iptables-swift")
    if not os.access(ours, os.X_OK):
        sys.exit("run.py: %s is not executable" % ours)
    # The kernel stage needs x_tables loaded, which an unprivileged check cannot do itself.
    if shutil.which("modprobe"):
        for m in ("ip_tables", "ip6_tables", "iptable_filter", "iptable_nat", "ip6table_filter", "ip6table_nat"):
            run(["modprobe", m])
    for f in ("/proc/net/ip_tables_names", "/proc/net/ip6_tables_names"):
        if not os.path.exists(f):
            sys.exit("run.py: %s is missing: the kernel has no x_tables here, the kernel stage cannot be tested" % f)
    before = host_state()
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        # Files `nobody` opens by path: the checkout may sit under a folder only root enters.
        for name in ("kernel-dnat-in-filter.v4", "kernel-two-refused-rules.v4", "unknown-option.v4"):
            shutil.copy(os.path.join(BROKEN, name), tmp)
        names = sorted(os.listdir(BROKEN))
        for name in names:
            if a.only in name:
                count += 1
                check_file(ours, BROKEN, name, a.record)
        for name in make_big(tmp):
            if a.only in name:
                count += 1
                check_file(ours, tmp, name, a.record)
        if not a.only:
            valid_files(ours, tmp)
            no_lock(ours, tmp)
            options(ours, tmp)
            ipsets(ours)
            terminal(os.path.abspath(a.ours))
    if host_state() != before:
        fail("host", "the host's tables changed")
    print("check: %d broken files, %d failures" % (count, len(failures)))
    sys.exit(1 if failures else 0)


main()
