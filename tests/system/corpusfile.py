"""The upstream extension corpus (`*.t`) read as rules: the table and chains each line is
for, the rule words and the expected result (OK, FAIL, NOMATCH, or "" when not given)."""


def entries(path):
    """(table, chains, rule, expectation) for every rule line of a corpus file, in order."""
    table, chains, out = "filter", ["INPUT"], []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("*"):
            table = line[1:]
        elif line.startswith(":"):
            chains = line[1:].split(",")
        elif line and not line.startswith("#"):
            fields = line.split(";")
            out.append((table, chains, fields[0], fields[2].strip() if len(fields) >= 3 else ""))
    return out
