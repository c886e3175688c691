# Shared helpers of the system tests: check NAME COMMAND... counts a pass or a failure.
passed=0 failed=0
check() {
  local name="$1"; shift
  if "$@" >/tmp/check.out.$$ 2>&1; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' /tmp/check.out.$$ | head -20; fi
  rm -f /tmp/check.out.$$
}
summary() { echo "$1: $passed passed, $failed failed"; [ "$failed" = 0 ]; }
