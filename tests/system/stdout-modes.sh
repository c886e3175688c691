#!/usr/bin/env bash
# The listing tools' output whatever kind of stream stdout is. Ours copies short pieces
# straight into a fully buffered stdout's buffer (shim_out); a line-buffered stdout (a
# terminal, `stdbuf -oL`) or an unbuffered one must take stdio's own way and give the same
# bytes. In a throwaway namespace: -S, -L -n -v and save of 120 rules (some with match
# extensions, which print to stdout themselves between our pieces), each through a pipe,
# line-buffered, unbuffered and on a pseudo-terminal, against iptables-legacy through a pipe.
#   tests/system/stdout-modes.sh SBIN        (the folder holding our iptables)
set -u
cd "$(dirname "$0")/../.."
. tests/system/lib.sh
sbin="$1"
[ "$(id -u)" = 0 ] || { echo "stdout-modes.sh: needs root (network namespaces)"; exit 1; }
command -v script >/dev/null || { echo "FAIL script (util-linux) not installed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
  echo '*filter'
  for i in $(seq 1 60); do echo "-A INPUT -s 10.0.$i.0/24 -j ACCEPT"; done
  for i in $(seq 1 60); do echo "-A INPUT -p tcp -m tcp --dport $((1000 + i)) -m comment --comment \"rule $i\" -j DROP"; done
  echo 'COMMIT'
} > "$work/rules.v4"

# Runs in one namespace: loads the rules with legacy, then writes each tool's output in
# each stdout mode into $work (a pty's output goes through `script`, with CRs removed).
unshare -n -m sh -c "
  mount -t tmpfs tmpfs /run || exit 99
  /usr/sbin/iptables-legacy-restore < '$work/rules.v4' || exit 98
  n=0
  for cmd in '-S' '-L -n -v' '-L INPUT --line-numbers -n' 'save'; do
    n=\$((n + 1))
    if [ \"\$cmd\" = save ]; then ours='$sbin/iptables-save'; theirs=/usr/sbin/iptables-legacy-save; args=''
    else ours='$sbin/iptables'; theirs=/usr/sbin/iptables-legacy; args=\$cmd; fi
    \$theirs \$args | grep -v '^#' > '$work/'\$n.legacy
    \$ours \$args | grep -v '^#' > '$work/'\$n.pipe
    stdbuf -oL \$ours \$args | grep -v '^#' > '$work/'\$n.line
    stdbuf -o0 \$ours \$args | grep -v '^#' > '$work/'\$n.unbuffered
    script -qec \"\$ours \$args\" /dev/null | tr -d '\\r' | grep -v '^#' > '$work/'\$n.tty
  done
"
status=$?
check "namespace set up and rules loaded" test "$status" = 0
names=("" "-S" "-L -n -v" "-L INPUT --line-numbers -n" "save")
for n in 1 2 3 4; do
  check "${names[$n]}: legacy gave output" test -s "$work/$n.legacy"
  for mode in pipe line unbuffered tty; do
    check "${names[$n]}, stdout $mode: as legacy's" cmp "$work/$n.legacy" "$work/$n.$mode"
  done
done
summary stdout-modes
