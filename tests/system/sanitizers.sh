#!/usr/bin/env bash
# The tools built with AddressSanitizer (Swift and the C shim) and UndefinedBehaviorSanitizer
# (the C shim: swiftc has no UBSan on Linux, and a debug build keeps Swift's own overflow,
# bounds and exclusivity checks), run through the whole differential suite against
# iptables-legacy: every command,
# save and restore path the cases cover. A sanitizer report goes to stderr, so it fails
# the case that caused it; a report anywhere also fails this script (halt_on_error).
# Leak checking is left to scripts/fuzz and tests/system/valgrind.sh: the tools leave
# their tables to the exit on purpose, and a leak report would change stderr.
#   tests/system/sanitizers.sh [CASE FILES...]
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=.build-sanitize
swift build --scratch-path "$scratch" -c debug --sanitize=address \
  -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined 2>&1 | tail -n 2 >&2
bin="$scratch/debug/xtables-swift-multi"
[ -x "$bin" ] || { echo "sanitizers: the build made no binary" >&2; exit 1; }
tools=$(mktemp -d /var/tmp/ipt-sanitize.XXXXXX)
trap 'rm -rf "$tools"' EXIT
cp "$bin" "$tools/xtables-swift-multi"
for n in iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore; do
  ln -s xtables-swift-multi "$tools/$n"
done
# Reports also go to files: a case that discards stderr cannot hide one.
reports="$tools/reports"
mkdir -p "$reports"
chmod 1777 "$reports"
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=0:log_path=$reports/asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan
if [ $# -eq 0 ]; then set -- tests/differential/cases/*.cases; fi
status=0
python3 tests/differential/run.py --ours "$tools" "$@" || status=1
if [ -n "$(ls -A "$reports")" ]; then
  echo "sanitizers: reports were written:" >&2
  head -n 40 "$reports"/* >&2
  status=1
fi
exit $status
