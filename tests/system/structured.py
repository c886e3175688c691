#!/usr/bin/env python3
"""Structured output and the chain graph, in throwaway namespaces:

  structured.py --ours BIN_DIR [--corpus DIR] [--update]

- golden files (tests/system/structured/): for a Docker + kube-proxy + fail2ban ruleset of
  each family, `iptables-swift save --json`, iptables-xml of its iptables-save text (which
  must also be the bytes Debian's iptables-xml writes), and `iptables-swift graph`;
- every JSON output (with and without -c, and each corpus file's) validates against
  share/ruleset.schema.json;
- the graph marks the planted unreachable chain (OLD-RULES) and rule (f2b-sshd's 4th), and
  `--format svg` renders through Graphviz's dot;
- save -> JSON -> `iptables-swift apply` in a fresh namespace -> save gives the same text,
  and `diff` of the JSON against the live tables finds nothing; with --corpus the same round
  trip for every rule of the upstream corpus that iptables-legacy loads, both families;
- a kube-proxy ruleset of thousands of rules stays under 200 nodes.
--update rewrites the golden files from ours (review the diff before committing).
"""
import argparse, glob, json, os, re, subprocess, sys, tempfile

import corpusfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.join(HERE, "structured")
ROOT = os.path.dirname(os.path.dirname(HERE))
SCHEMA = os.path.join(ROOT, "share", "ruleset.schema.json")
failures = []


def ns(script):
    """Runs a shell script in a throwaway network and mount namespace with a private /run."""
    p = subprocess.run(["unshare", "-n", "-m", "sh", "-ec", "mount -t tmpfs tmpfs /run\n" + script],
                       capture_output=True, text=True)
    return p


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail[:600]))
    if not ok:
        failures.append(name)


def saved(text):
    """Save text without comments and counters."""
    return re.sub(r"\[\d+:\d+\]", "[0:0]", "".join(l + "\n" for l in text.splitlines() if not l.startswith("#")))


def tables(text):
    """Save text as its table blocks in the order of their names: the kernel lists tables in
    the order it made them, which a restore into a fresh namespace reverses (for
    iptables-legacy's own save and restore too)."""
    return sorted(block for block in re.split(r"(?m)^(?=\*)", saved(text)) if block.strip())


def golden(name, got, update, normal=lambda text: text):
    """got must equal the golden file, both seen through `normal`."""
    path = os.path.join(GOLD, name)
    if update:
        open(path, "w").write(got)
    check("golden " + name, os.path.exists(path) and normal(open(path).read()) == normal(got),
          "differs from %s" % path)


def json_normal(text):
    """A JSON document as values, tables by name, without revisions: the layout is the JSON
    library's, and libxtables picks a match's revision by asking the running kernel."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k != "revision"}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    doc = strip(json.loads(text))
    doc["tables"] = sorted(doc["tables"], key=lambda t: t["name"])
    return doc


def validate(name, text, quiet=False):
    """The document against share/ruleset.schema.json (quiet: report failures only)."""
    try:
        import jsonschema
    except ImportError:
        check("schema " + name, False, "python3-jsonschema is not installed")
        return
    try:
        jsonschema.Draft202012Validator(json.load(open(SCHEMA))).validate(json.loads(text))
        if not quiet:
            check("schema " + name, True)
    except Exception as e:
        check("schema " + name, False, str(e))


def family_run(ours, v, update, tmp):
    tool = os.path.join(ours, "iptables-swift" if v == "4" else "ip6tables-swift")
    legacy = "iptables-legacy" if v == "4" else "ip6tables-legacy"
    rules = os.path.join(GOLD, "ruleset.v" + v)
    out = {k: os.path.join(tmp, "%s.v%s" % (k, v)) for k in ("json", "jsonc", "dot", "svg", "save")}
    p = ns(f"""{legacy}-restore < {rules}
{tool} save --json > {out['json']}
{tool} save -c --json > {out['jsonc']}
{tool} graph > {out['dot']}
{tool} graph --format svg > {out['svg']}
{legacy}-save > {out['save']}
{tool} diff {out['json']} > /dev/null""")
    check("v%s: save --json, graph, diff of the JSON (no change)" % v, p.returncode == 0, p.stderr)
    if p.returncode != 0:
        return
    text = open(out["json"]).read()
    golden("ruleset.v%s.json" % v, text, update, json_normal)
    validate("v%s" % v, text)
    validate("v%s -c" % v, open(out["jsonc"]).read())
    dot = open(out["dot"]).read()
    golden("ruleset.v%s.dot" % v, dot, update)
    check("v%s: unreachable chain marked" % v, re.search(r'"filter/OLD-RULES" \[[^]]*color=red[^]]*unreachable chain', dot) is not None)
    check("v%s: unreachable rule marked" % v, re.search(r'"filter/f2b-sshd" \[[^]]*unreachable rules: 4', dot) is not None)
    svg = open(out["svg"]).read()
    check("v%s: SVG rendered" % v, svg.lstrip().startswith("<?xml") and "<svg" in svg)
    r = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
    check("v%s: dot -Tsvg renders the DOT" % v, r.returncode == 0 and "<svg" in r.stdout, r.stderr)
    # iptables-xml of the save text: golden, and Debian's bytes.
    plain = saved(open(out["save"]).read())
    xml = subprocess.run([os.path.join(os.path.dirname(ours.rstrip("/")), "bin", "iptables-xml")], input=plain, capture_output=True, text=True)
    oracle = subprocess.run(["/usr/bin/iptables-xml"], input=plain, capture_output=True, text=True)
    check("v%s: iptables-xml as Debian's" % v, (xml.returncode, xml.stdout, xml.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr))
    golden("ruleset.v%s.xml" % v, xml.stdout, update)
    # The round trip through apply in a fresh namespace.
    p = ns(f"""{tool} apply -{v} {out['json']} > /dev/null
{legacy}-save""")
    check("v%s: save -> JSON -> apply -> save" % v, p.returncode == 0 and tables(p.stdout) == tables(plain),
          p.stderr + "\n" + "".join(l for l in __import__("difflib").unified_diff(plain.splitlines(True), saved(p.stdout).splitlines(True))))


def corpus_round_trip(ours, corpus, tmp):
    """Every rule of the corpus that iptables-legacy loads: save -> JSON -> apply -> save."""
    total = 0
    for path in sorted(glob.glob(os.path.join(corpus, "*.t"))):
        base = os.path.basename(path)
        families = ["6"] if base.startswith("libip6t_") else ["4"] if base.startswith("libipt_") else ["4", "6"]
        for v in families:
            legacy = "iptables-legacy" if v == "4" else "ip6tables-legacy"
            tool = os.path.join(ours, "iptables-swift" if v == "4" else "ip6tables-swift")
            lines = ["%s -t %s -A %s %s 2>/dev/null || true" % (legacy, table, chains[0], rule)
                     for table, chains, rule, expected in corpusfile.entries(path) if expected == "OK"]
            if not lines:
                continue
            j = os.path.join(tmp, "corpus.json")
            p = ns("%s -t filter -N TESTCHAIN-1 2>/dev/null || true\n%s\n%s-save > %s/a.save\n%s save --json > %s" %
                   (legacy, "\n".join(lines), legacy, tmp, tool, j))
            if p.returncode != 0:
                check("corpus %s v%s: save --json" % (base, v), False, p.stderr)
                continue
            validate("corpus %s v%s" % (base, v), open(j).read(), quiet=True)
            a = saved(open(os.path.join(tmp, "a.save")).read())
            p = ns("%s apply -%s %s > /dev/null\n%s-save" % (tool, v, j, legacy))
            ok = p.returncode == 0 and tables(p.stdout) == tables(a)
            total += a.count("\n-A ")
            if not ok:
                check("corpus %s v%s: round trip" % (base, v), False, p.stderr + p.stdout[:300])
    check("corpus: %d rules through save -> JSON (schema-valid) -> apply -> save" % total, total > 0)


def big_graph(ours, tmp):
    gen = os.path.join(ROOT, "scripts", "gen-ruleset")
    rules = os.path.join(tmp, "kube")
    with open(rules, "w") as fh:
        subprocess.run([gen, "--kind", "kube", "--rules", "3000"], stdout=fh, check=True)
    p = ns("iptables-legacy-restore --noflush < %s\niptables-legacy-restore --noflush < %s\n%s graph" %
           (os.path.join(GOLD, "ruleset.v4"), rules, os.path.join(ours, "iptables-swift")))
    nodes = len(re.findall(r"^    \"[^\"]+\" \[shape=", p.stdout, re.M))
    check("kube 3000 rules + Docker: %d nodes (at most 200)" % nodes, p.returncode == 0 and 0 < nodes <= 200, p.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for v in ("4", "6"):
            family_run(a.ours, v, a.update, tmp)
        big_graph(a.ours, tmp)
        if a.corpus:
            corpus_round_trip(a.ours, a.corpus, tmp)
    print("structured: %d failed" % len(failures) if failures else "structured: all passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
