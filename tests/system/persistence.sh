#!/usr/bin/env bash
# iptables-swift-persistent end to end, in throwaway namespaces with the rules files in a
# temporary folder: save, flush, restore, missing and corrupt files, fail-closed, RHEL paths,
# IPv4 and IPv6; and `systemd-analyze verify` of the units.
#   tests/system/persistence.sh PREFIX      (an installed prefix, not under DESTDIR)
set -u
cd "$(dirname "$0")/../.."
. tests/system/lib.sh
prefix="$1"
helper="$prefix/sbin/iptables-swift-persistent"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a script in a fresh namespace with the tools of the prefix first on PATH.
ns() { unshare -n -m sh -c "mount -t tmpfs tmpfs /run; PATH='$prefix/sbin':\$PATH; cd '$work'; $1"; }
conf() { printf '%s\n' "$@" > "$work/conf"; }
H="IPTABLES_SWIFT_CONFIG=$work/conf $helper"

conf "RULES_V4=$work/rules.v4" "RULES_V6=$work/rules.v6"
check "save writes both files" ns "iptables -A INPUT -s 192.0.2.1 -j DROP; ip6tables -A INPUT -s 2001:db8::1 -j DROP; $H save && grep -q -- '-A INPUT -s 192.0.2.1/32 -j DROP' rules.v4 && grep -q -- '-A INPUT -s 2001:db8::1/128 -j DROP' rules.v6"
check "saved files are private" test "$(stat -c %a "$work/rules.v4")" = 600
check "restore loads both families" ns "$H start && iptables -S INPUT | grep -qx -- '-A INPUT -s 192.0.2.1/32 -j DROP' && ip6tables -S INPUT | grep -qx -- '-A INPUT -s 2001:db8::1/128 -j DROP'"
check "reload replaces what runs" ns "iptables -A INPUT -j ACCEPT; $H reload && test \$(iptables -S INPUT | grep -c '^-A') = 1"
check "flush empties everything" ns "$H start; iptables -N X; iptables -P FORWARD DROP; $H flush && test \"\$(iptables -S)\" = \"\$(printf -- '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT')\""
check "status shows files and rules" ns "$H start; $H status | grep -q 'IPv4 rules file: $work/rules.v4 (1 rules)'"
conf "RULES_V4=$work/none.v4" "RULES_V6=$work/empty.v6"; : > "$work/empty.v6"
check "missing or empty files are not errors" ns "$H start"
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 198.51.100.1 -j ACCEPT\n-A INPUT -j NOSUCHTARGET\nCOMMIT\n' > "$work/bad.v4"
conf "RULES_V4=$work/bad.v4" "RULES_V6=$work/rules.v6"
check "corrupt file: exit 1, old firewall kept, line logged" ns "iptables -A INPUT -s 203.0.113.9 -j DROP; $H start 2>err; rc=\$?; test \$rc = 1 && iptables -S INPUT | grep -q 203.0.113.9 && ! iptables -S INPUT | grep -q 198.51.100.1 && grep -q 'failing line 4: -A INPUT -j NOSUCHTARGET' err && grep -q 'previous firewall left in place' err"
check "all or nothing: the good family is not loaded either" ns "$H start 2>/dev/null; ! ip6tables -S INPUT | grep -q 2001:db8::1"
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOSUCH6\nCOMMIT\n' > "$work/bad6.v6"
conf "RULES_V4=$work/rules.v4" "RULES_V6=$work/bad6.v6"
check "a failing rules.v6 leaves no new rules.v4" ns "$H start 2>err; test \$? = 1 && ! iptables -S INPUT | grep -q 192.0.2.1 && grep -q 'failing line 3: -A INPUT -j NOSUCH6' err"
conf "RULES_V4=$work/bad.v4" "RULES_V6=$work/rules.v6" "FAIL_CLOSED=yes"
check "fail closed: drop all but loopback" ns "$H start 2>err; test \$? = 1 && test \"\$(iptables -S)\" = \"\$(printf -- '-P INPUT DROP\n-P FORWARD DROP\n-P OUTPUT DROP\n-A INPUT -i lo -j ACCEPT\n-A OUTPUT -o lo -j ACCEPT')\" && grep -q FAIL_CLOSED=yes err"
printf '*filter\n-A INPUT -j ACCEPT\n' > "$work/bad.v6"
conf "RULES_V4=$work/rules.v4" "RULES_V6=$work/bad.v6" "FAIL_CLOSED=yes"
check "fail closed for IPv6 (missing COMMIT)" ns "$H start 2>err; test \$? = 1 && ip6tables -S INPUT | grep -qx -- '-A INPUT -i lo -j ACCEPT' && grep -q 'COMMIT expected' err"
mkdir -p "$work/etc/sysconfig"
conf "STYLE=rhel" "ETC_DIR=$work/etc"
printf '*filter\n-A INPUT -s 192.0.2.77 -j DROP\nCOMMIT\n' > "$work/etc/sysconfig/iptables"
check "RHEL style reads sysconfig paths" ns "$H start && iptables -S | grep -q 192.0.2.77 && $H save && grep -q 192.0.2.77 etc/sysconfig/iptables && test -f etc/sysconfig/ip6tables"
conf "ETC_DIR=$work/etc"
check "Debian style saves under iptables/" ns "iptables -S >/dev/null; $H save && grep -q "^\\*filter" etc/iptables/rules.v4 && test -f etc/iptables/rules.v6"
check "wrong action" sh -c "$H bogus; test \$? = 2"
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify" env MANPATH="$prefix/share/man:" systemd-analyze verify "$prefix/lib/systemd/system/iptables-swift.service" "$prefix/lib/systemd/system/iptables-swift-save.service"
fi
for page in "$prefix"/share/man/man8/*.8; do
  check "man page lint $(basename "$page")" sh -c "cd '$prefix/share/man' && test -z \"\$(groff -ww -z -man 'man8/$(basename "$page")' 2>&1)\""
done
summary persistence
