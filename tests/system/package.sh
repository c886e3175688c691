#!/usr/bin/env bash
# The Debian package: built by scripts/package from the release binary, lintian clean
# (no error; the one warning we accept is listed below), then installed with dpkg -i and
# purged with dpkg --purge inside a private mount namespace whose /usr, /etc and /var are
# overlays on tmpfs: the host's files and dpkg database never change.
#   tests/system/package.sh BINARY
set -u
cd "$(dirname "$0")/../.."
. tests/system/lib.sh
binary="$1"
[ "$(id -u)" = 0 ] || { echo "package.sh: needs root (dpkg, mount namespaces)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
deb=$(scripts/package --binary "$binary" --out "$work") || { echo "FAIL scripts/package"; exit 1; }
check "package built" test -s "$deb"

# status reads the alternatives' admin file (read only) to show auto or manual mode: the one
# lintian warning we accept. (hardening-no-pie is the package's own override: see scripts/package.)
command -v lintian >/dev/null || { echo "FAIL lintian not installed"; exit 1; }
check "lintian: no error, no warning but the accepted one" \
  lintian --fail-on error,warning --suppress-tags uses-dpkg-database-directly "$deb"
check "no file of Debian's iptables package" sh -c "
  dpkg -L iptables | sort > '$work/theirs' && [ -s '$work/theirs' ] &&
  dpkg-deb -c '$deb' | awk '{print \$6}' | sed -e 's|^\./|/|' -e 's|/\$||' | sort > '$work/ours' && [ -s '$work/ours' ] &&
  comm -12 '$work/ours' '$work/theirs' > '$work/both' &&
  ! grep -v -x -e / -e /etc -e /lib -e /usr -e /usr/bin -e /usr/sbin -e /usr/share -e /usr/share/doc -e /usr/share/man \
      -e /usr/share/man/man8 -e /usr/share/man/man1 '$work/both'"
check "holds the JSON helper, its schema and iptables-swift-xml" sh -c "
  dpkg-deb -c '$deb' | grep -q ' ./usr/libexec/iptables-swift/iptables-swift-json\$' &&
  dpkg-deb -c '$deb' | grep -q ' ./usr/share/iptables-swift/ruleset.schema.json\$' &&
  dpkg-deb -c '$deb' | grep -q ' ./usr/bin/iptables-swift-xml -> ../sbin/xtables-swift-multi\$'"
check "depends on iptables and the shared libraries" sh -c \
  "dpkg-deb -f '$deb' Depends | grep -q 'iptables (>= 1.8.9)' && dpkg-deb -f '$deb' Depends | grep -q libxtables"

# One scenario in the overlay namespace: PREVIOUS is how the iptables alternative is set
# before (auto, or manual on iptables-legacy); ours is installed, chosen, used, purged.
scenario() {
  local previous="$1"
  cat > "$work/scenario.sh" <<EOF
set -eu
mount -t tmpfs tmpfs "$work/ovl" 2>/dev/null || { mkdir -p "$work/ovl"; mount -t tmpfs tmpfs "$work/ovl"; }
for d in usr etc var \$( [ -L /lib ] || echo lib ); do
  mkdir -p "$work/ovl/\$d/up" "$work/ovl/\$d/work"
  mount -t overlay overlay -o "lowerdir=/\$d,upperdir=$work/ovl/\$d/up,workdir=$work/ovl/\$d/work" "/\$d"
done
mount -t tmpfs tmpfs /run
if [ "$previous" = manual ]; then update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy; fi
before=\$(readlink /etc/alternatives/iptables)
before_mode=\$(update-alternatives --query iptables | sed -n 's/^Status: //p')
dpkg -i "$deb" > "$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log"; exit 10; }
[ "\$(readlink /etc/alternatives/iptables)" = "\$before" ] || exit 11      # never takes over by itself
update-alternatives --list iptables | grep -qx /usr/sbin/iptables-swift || exit 12
update-alternatives --query ip6tables | grep -q '^Alternative: /usr/sbin/ip6tables-swift' || exit 13
[ "\$(update-alternatives --query iptables | awk '/^Alternative: \/usr\/sbin\/iptables-swift/{f=1} f && /^Priority:/{print \$2; exit}')" = 5 ] || exit 14
for t in iptables-swift iptables-swift-save iptables-swift-restore ip6tables-swift ip6tables-swift-save ip6tables-swift-restore; do
  [ "\$(readlink /usr/sbin/\$t)" = xtables-swift-multi ] || exit 15
done
dpkg-query -W -f='\${Conffiles}\n' iptables-swift | grep -q /etc/default/iptables-swift || exit 16
man -w iptables-swift-save >/dev/null && man -w ip6tables-swift >/dev/null || exit 17
update-alternatives --quiet --set iptables /usr/sbin/iptables-swift
update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-swift
unshare -n sh -c 'iptables -A INPUT -j ACCEPT && iptables-save | grep -q "^-A INPUT -j ACCEPT" && ip6tables -S >/dev/null && iptables -V' \
  | grep -qx 'iptables v1.8.9 (legacy)' || exit 18
[ "\$(readlink -f /usr/sbin/iptables-restore)" = /usr/sbin/xtables-swift-multi ] || exit 19
dpkg --purge iptables-swift > "$work/dpkg-purge.log" 2>&1 || { cat "$work/dpkg-purge.log"; exit 20; }
! update-alternatives --list iptables | grep -q swift || exit 21
! update-alternatives --list ip6tables | grep -q swift || exit 22
[ "\$(readlink /etc/alternatives/iptables)" = "\$before" ] || exit 23      # the previous selection is back
[ "\$(update-alternatives --query iptables | sed -n 's/^Status: //p')" = "\$before_mode" ] || exit 24
[ ! -e /etc/default/iptables-swift ] && [ ! -e /var/lib/iptables-swift ] && [ ! -e /usr/sbin/xtables-swift-multi ] || exit 25
[ -x "\$(readlink -f /usr/sbin/iptables)" ] && iptables --version >/dev/null || exit 26
EOF
  mkdir -p "$work/ovl"
  unshare -m sh "$work/scenario.sh"
}
check "install, choose, use, purge (alternative in auto mode before)" scenario auto
check "install, choose, use, purge (iptables-legacy chosen by hand before)" scenario manual
check "the host's alternatives untouched" sh -c "! update-alternatives --list iptables | grep -q swift"
summary package
