#!/usr/bin/env python3
"""Seed corpora for the fuzz targets: the inputs fuzzing found (fuzz/regressions/TARGET/,
replayed by every run), the upstream .t corpus and the differential cases.
usage: seeds.py CONFORMANCE_TESTS_DIR CASES_DIR OUT_DIR"""
import hashlib, os, re, sys

def put(folder, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as fh:
        fh.write(data)

def main():
    tdir, cdir, out = sys.argv[1:4]
    argv, restore = os.path.join(out, "argv"), os.path.join(out, "restore")
    found = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions")
    for target in ("argv", "restore"):
        folder = os.path.join(found, target)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            put(os.path.join(out, target), open(os.path.join(folder, name), "rb").read())
    for name in sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []:
        if not name.endswith(".t"):
            continue
        chain = "INPUT"
        for line in open(os.path.join(tdir, name), errors="replace"):
            line = line.rstrip("\n")
            if line.startswith(":"):
                chain = line[1:].split(",")[0] or "INPUT"
            elif line and not line.startswith(("#", "*", "%")) and ";" in line:
                put(argv, f"-A {chain} {line.split(';')[0]}".encode())
    for name in sorted(os.listdir(cdir)):
        if not name.endswith(".cases"):
            continue
        text = open(os.path.join(cdir, name), errors="replace").read()
        for line in text.splitlines():
            m = re.match(r"\$IP6?T (.*)", line)
            if m:
                put(argv, m.group(1).encode())
        for m in re.finditer(r"printf '((?:[^'\\]|\\.)*)'", text):
            body = m.group(1).encode().decode("unicode_escape", errors="replace").encode("utf-8", "replace")
            if b"COMMIT" in body or b"*" in body[:2]:
                put(restore, b"\x00" + body)
                put(restore, b"\x03" + body)

main()
