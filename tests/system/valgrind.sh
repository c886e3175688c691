#!/usr/bin/env bash
# Memcheck on the shipped binary: a 10k-rule restore, save and -L -n -v (kube ruleset for
# IPv4, flat for IPv6), each in a throwaway namespace. Any invalid read or write, or any
# definitely lost block, fails (--error-exitcode=1). Memory libiptc and libxtables keep
# until the exit is "still reachable" and not counted: the tools leave big tables to the
# exit on purpose (the handles stay reachable from LibiptcTable).
#   tests/system/valgrind.sh BINARY
set -euo pipefail
bin=$(readlink -f "$1")
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 1; }
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /var/tmp/ipt-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
for n in iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore; do
  ln -s "$bin" "$work/$n"
done
"$here/scripts/gen-ruleset" --kind kube --rules 10000 --family 4 > "$work/rules4"
"$here/scripts/gen-ruleset" --kind flat --rules 10000 --family 6 > "$work/rules6"
cat > "$work/run.sh" <<'SCRIPT'
mount -t tmpfs tmpfs /run
w=$1; passed=0; failed=0
V="valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite"
check() {  # check NAME COMMAND...: the command must run clean under memcheck
  name=$1; shift
  if "$@" > /dev/null 2> "$w/err"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "valgrind: $name FAILED"; head -n 30 "$w/err"
  fi
}
for v in "" 6; do
  check "ip${v}tables-restore 10k" sh -c "$V $w/ip${v}tables-restore < $w/rules${v:-4}"
  check "ip${v}tables-save" $V $w/ip${v}tables-save -c
  check "ip${v}tables -L -n -v" $V $w/ip${v}tables -L -n -v
done
check "iptables -t nat -L -n -v" $V $w/iptables -t nat -L -n -v
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
SCRIPT
unshare -n -m sh "$work/run.sh" "$work"
