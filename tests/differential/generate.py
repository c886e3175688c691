#!/usr/bin/env python3
"""Random differential cases, seeded, for run.py.

  generate.py KIND SEED COUNT > file.cases
  python3 run.py --ours DIR file.cases

KIND:
  restore-existing  restore files over a table that already has chains: kept, re-declared,
                    deleted chains, rules before and after declarations, -T/--noflush/-c/-v;
                    --many adds enough chains for the chain mirror (64+ lookups)
  restore-targets   chains named like target extensions, declared in one table and jumped to
                    in another, -N/-E of such names
  ports             spellings of the ports libxtables resolves with getaddrinfo
  hook-chains       single commands on user chains named like the hooks of other tables
Generators like these produced the cases/fuzz-*.cases files kept as regression cases.
"""
import random, sys

NL = "\\n"  # the two characters backslash-n, as printf and sed below expect


def restore_cmd(lines, tool, opts=""):
    body = NL.join(lines) + NL
    return f"printf '%s' '{body}' | sed 's/\\\\n/\\n/g' | {tool}{(' ' + opts) if opts else ''}; echo rc=$?"


def restore_existing(rng, n, many):
    names = ["a", "b", "c", "d", "KUBE-X", "LOG", "e1", "INPUT", "FORWARD", "OUTPUT", "PREROUTING", "zz"]

    def decl():
        pol = rng.choice(["-", "-", "-", "ACCEPT", "DROP"])
        cnt = rng.choice(["[0:0]", "[0:0]", "[5:6]", ""])
        return f":{rng.choice(names)} {pol} {cnt}".rstrip()

    def rule():
        ch, tgt = rng.choice(names), rng.choice(names + ["ACCEPT", "RETURN", "DROP", "NOPE", ""])
        cmd = rng.choice(["-A", "-A", "-A", "-I", "-D", "-N", "-X", "-F", "-E", "-Z", "-P"])
        if cmd in ("-A", "-I", "-D"):
            return f"{cmd} {ch}" + (f" -j {tgt}" if tgt else "")
        if cmd == "-E":
            return f"-E {ch} {rng.choice([x for x in names if x != 'LOG'])}"
        if cmd == "-P":
            return f"-P {ch} {rng.choice(['ACCEPT', 'DROP'])}"
        return f"{cmd} {ch}" if rng.random() < 0.7 else cmd

    def block():
        lines = [f"*{rng.choice(['filter', 'filter', 'nat', 'raw'])}"]
        if many:
            lines += [f":f{k} - [0:0]" for k in range(rng.randint(0, 90))]
        lines += [decl() for _ in range(rng.randint(0, 5))]
        lines += [rule() if rng.random() < 0.8 else decl() for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.93:
            lines.append("COMMIT")
        return lines

    filler = "".join(f":g{k} - [0:0]{NL}-A g{k} -j RETURN{NL}" for k in range(120)) if many else ""
    base = (f"*filter{NL}{filler}:a - [0:0]{NL}:b - [0:0]{NL}:c - [0:0]{NL}:LOG - [0:0]{NL}-A a -j b{NL}"
            f"-A b -j c{NL}-A INPUT -j a{NL}-A c -j LOG{NL}COMMIT{NL}*nat{NL}:KUBE-X - [0:0]{NL}"
            f":FORWARD - [0:0]{NL}-A PREROUTING -j KUBE-X{NL}COMMIT{NL}")
    for i in range(n):
        print(f"# random restore over existing chains {i}")
        print(f"printf '{base}' | $RESTORE")
        for _ in range(rng.randint(1, 3)):
            lines = []
            for _ in range(rng.randint(1, 2)):
                lines += block()
            print(restore_cmd(lines, "$RESTORE", rng.choice(["", "", "", "--noflush", "-v", "-c", "-T nat", "-n"])))
        print("$SAVE | grep -v '^#'\n")


def restore_targets(rng, n):
    names = ["LOG", "MARK", "REJECT", "TCPMSS", "CT", "DNAT", "foo", "bar", "ACCEPT2", "NOTRACK"]
    opts = {"LOG": " --log-prefix x", "MARK": " --set-mark 1", "TCPMSS": " --clamp-mss-to-pmtu",
            "CT": " --notrack", "DNAT": " --to-destination 1.2.3.4"}
    hooks = ["PREROUTING", "INPUT", "OUTPUT", "FORWARD", "POSTROUTING"]

    def block():
        lines = [f"*{rng.choice(['filter', 'nat', 'mangle', 'raw'])}"]
        lines += [f":{rng.choice(names)} - [0:0]" for _ in range(rng.randint(0, 3))]
        for _ in range(rng.randint(1, 3)):
            name, r = rng.choice(names), rng.random()
            if r < 0.6:
                o = opts.get(name, "") if rng.random() < 0.5 else ""
                p = " -p tcp --tcp-flags SYN SYN" if name == "TCPMSS" else ""
                lines.append(f"-A {rng.choice(hooks)}{p} {rng.choice(['-j', '-j', '-g'])} {name}{o}")
            elif r < 0.8:
                lines.append(f"-N {name}")
            else:
                lines.append(f"-E {rng.choice(names)} {rng.choice(['foo2', 'bar2'])}")
        return lines + ["COMMIT"]

    for i in range(n):
        print(f"# random targets and announced chains {i}")
        for _ in range(rng.randint(1, 3)):
            lines = []
            for _ in range(rng.randint(1, 3)):
                lines += block()
            print(restore_cmd(lines, "$RESTORE", rng.choice(["", "", "--noflush"])))
        print("$SAVE | grep -v '^#'\n")


def ports(rng, n):
    atoms = ["0", "1", "53", "080", "00080", "65535", "65536", "99999", "123456", "0x10", "-1", "+5",
             " 5", "5 ", "http", "domain", "nosuch", "", "1e3", "\u0663", "12a", "00000", "000001"]

    def port():
        a = rng.choice(atoms)
        return a + ":" + rng.choice(atoms) if rng.random() < 0.3 else a

    for i in range(n):
        print(f"# random port spellings {i}")
        for _ in range(6):
            k, p = rng.random(), port()
            if k < 0.4:
                print(f"$IPT -A INPUT -p udp --{rng.choice(['dport', 'sport', 'destination-port'])} '{p}'")
            elif k < 0.7:
                opt = rng.choice(["ctorigsrcport", "ctorigdstport", "ctreplsrcport", "ctrepldstport"])
                print(f"$IPT -A INPUT -m conntrack --{opt} '{p}'")
            elif k < 0.85:
                print(f"$IP6T -A INPUT -p udp --dport '{p}'")
            else:
                print(f"$IPT -t mangle -A PREROUTING -p tcp -j TPROXY --on-port '{p}' --tproxy-mark 1")
        print("$SAVE | grep -v '^#'\n$SAVE6 | grep -v '^#'\n")


def hook_chains(rng, n):
    names = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", "u1", "u2"]
    for i in range(n):
        print(f"# random hook-named chains {i}")
        six = rng.random() < 0.3
        ipt = "$IP6T" if six else "$IPT"
        for _ in range(10):
            t, a, b = rng.choice(["filter", "nat", "mangle", "raw", "security"]), rng.choice(names), rng.choice(names)
            c = rng.choice(["-N", "-X", "-E", "-P", "-F", "-Z", "-L", "-S", "-A", "-D", "-I", "-C"])
            if c == "-E":
                line = f"-E {a} {b}"
            elif c == "-P":
                line = f"-P {a} {rng.choice(['ACCEPT', 'DROP'])}"
            elif c in ("-A", "-D", "-I", "-C"):
                line = f"{c} {a} -j {rng.choice(names + ['ACCEPT', 'RETURN'])}"
            elif c in ("-L", "-S"):
                line = f"{c} {rng.choice(['', a])} {rng.choice(['', '-n', '-v', '-n -v --line-numbers'])}".strip()
            else:
                line = f"{c} {rng.choice(['', a])}".strip()
            print(f"{ipt} -t {t} {line}")
        print(("$SAVE6" if six else "$SAVE") + " | grep -v '^#'\n")


def main():
    kind, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    if kind == "restore-existing":
        restore_existing(rng, count, "--many" in sys.argv)
    elif kind == "restore-targets":
        restore_targets(rng, count)
    elif kind == "ports":
        ports(rng, count)
    elif kind == "hook-chains":
        hook_chains(rng, count)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
