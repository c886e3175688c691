#!/usr/bin/env bash
# scripts/install and scripts/uninstall in a throwaway root: files, symlinks, and the
# update-alternatives groups (a fake iptables-legacy provider stands for Debian's).
#   tests/system/install.sh BINARY
set -u
cd "$(dirname "$0")/../.."
. tests/system/lib.sh
binary="$1"
root=$(mktemp -d)
trap 'rm -rf "$root" "$root.lazy-libm" "$root.relocs"' EXIT
ua() { update-alternatives --root "$root" "$@"; }

# A previous provider, as Debian's iptables package registers it.
mkdir -p "$root/usr/sbin" "$root/etc/alternatives" "$root/var/lib/dpkg/alternatives"
for v in "" 6; do
  for t in "" -save -restore; do printf '#!/bin/sh\necho legacy\n' > "$root/usr/sbin/ip${v}tables-legacy$t"; chmod +x "$root/usr/sbin/ip${v}tables-legacy$t"; done
  ua --quiet --install "/usr/sbin/ip${v}tables" "ip${v}tables" "/usr/sbin/ip${v}tables-legacy" 10 \
    --slave "/usr/sbin/ip${v}tables-restore" "ip${v}tables-restore" "/usr/sbin/ip${v}tables-legacy-restore" \
    --slave "/usr/sbin/ip${v}tables-save" "ip${v}tables-save" "/usr/sbin/ip${v}tables-legacy-save"
done

touch "$root/.before-install"
check "install into DESTDIR" env DESTDIR="$root" scripts/install --prefix /usr/local --binary "$binary" --alternatives
sbin="$root/usr/local/sbin"
check "binary installed" test -x "$sbin/xtables-swift-multi"
# Start-up trims that one stray call would undo silently (README, Benchmark): no
# _StringProcessing module (String.contains(String) links it) and no crash backtracer.
check "start-up: no _StringProcessing, no backtracer in the executable" sh -c "
  nm '$binary' | grep -q xtables_swift_multi_main &&
  ! nm '$binary' | grep -q -e 17_StringProcessing -e _swift_spawnBacktracer"
# libm is loaded at the first call of a math function, not at start (Sources/CStartup/
# lazy_libm.c): the executable must not need it, and the forwarders must reach libm's own.
check "start-up: libm not needed by the executable" sh -c "
  readelf -d '$binary' | grep -q 'NEEDED.*libc.so' && ! readelf -d '$binary' | grep -q 'NEEDED.*libm.so'"
# libiptc's function tables hold our wrappers (Sources/CXtables/shim.c): no data relocation
# makes the loader look a libiptc function up at every start.
# (The listing must show libiptc bound through the PLT, or the check would pass on no output.)
check "start-up: no libiptc function address relocated at load" sh -c "
  readelf -rW '$binary' > '$root.relocs' && grep -qE 'JUMP_SLOT +[0-9a-f]+ iptc_init' '$root.relocs' &&
  ! grep -E 'R_X86_64_(64|GLOB_DAT) ' '$root.relocs' | grep -qE ' ip6?tc_'"
# A Dictionary that grows calls ceil, which lazy_libm.c computes itself: restore (whose
# option table grows) must not open libm.
check "start-up: a growing Dictionary does not load libm" sh -c "
  ! LD_DEBUG=files '$sbin/iptables-restore' --test </dev/null 2>&1 | grep -q 'file=libm.so'"
# BOLT's layout (scripts/build): the metadata's relative pointers name the moved functions,
# not their old copies (checked against the link's relocations, which the build keeps when
# it runs BOLT; a binary from another build matches none of them, and passes vacuously).
linked=.build/release/xtables-swift-multi
if [ -f "$linked" ] && readelf -SW "$binary" | grep -q ' \.bolt\.org\.text '; then
  check "start-up: no relative pointer names a function's old copy" \
    scripts/bolt-relative-pointers --check "$linked" "$binary"
fi
check "lazy libm forwards to libm" sh -c "
  cc -O1 -fno-builtin -o '$root.lazy-libm' tests/system/lazy-libm/check.c Sources/CStartup/lazy_libm.c &&
  ! readelf -d '$root.lazy-libm' | grep -q 'NEEDED.*libm.so' && '$root.lazy-libm' | grep -qx ok"
for n in iptables ip6tables iptables-save ip6tables-save iptables-restore ip6tables-restore iptables-swift ip6tables-swift-restore; do
  check "relative link $n" test "$(readlink "$sbin/$n")" = xtables-swift-multi
done
check "tool answers by its link name" sh -c "'$sbin/iptables' --version | grep -qx 'iptables v1.8.9 (legacy)'"
check "alternative name dispatches" sh -c "'$sbin/ip6tables-swift' -V | grep -qx 'ip6tables v1.8.9 (legacy)'"
check "multi binary dispatches by first argument" sh -c "'$sbin/xtables-swift-multi' iptables-save -V | grep -qx 'iptables-save v1.8.9 (legacy)'"
check "persistence helper" test -x "$sbin/iptables-swift-persistent"
check "unit installed with its path" grep -qx "ExecStart=/usr/local/sbin/iptables-swift-persistent start" "$root/usr/local/lib/systemd/system/iptables-swift.service"
check "man pages" test -f "$root/usr/local/share/man/man8/iptables-restore.8" -a -L "$root/usr/local/share/man/man8/ip6tables.8"
check "nothing outside the prefix but alternatives" sh -c "cd '$root' && ! find . -newer .before-install -type f | grep -v '^./usr/local/' | grep -v -e '^./var/lib/dpkg/alternatives/' -e '^./var/log/alternatives.log'"
check "registered at priority 5" sh -c "update-alternatives --root '$root' --query iptables | grep -A1 'Alternative: /usr/local/sbin/iptables-swift' | grep -qx 'Priority: 5'"
check "legacy stays selected" test "$(readlink "$root/etc/alternatives/iptables")" = /usr/sbin/iptables-legacy
check "set selects ours" ua --quiet --set iptables /usr/local/sbin/iptables-swift
check "iptables is ours" test "$(readlink "$root/etc/alternatives/iptables")" = /usr/local/sbin/iptables-swift
check "its save slave is ours" test "$(readlink "$root/etc/alternatives/iptables-save")" = /usr/local/sbin/iptables-swift-save
check "ip6tables set too" ua --quiet --set ip6tables /usr/local/sbin/ip6tables-swift
check "uninstall" env DESTDIR="$root" scripts/uninstall --prefix /usr/local
check "iptables back to legacy" test "$(readlink "$root/etc/alternatives/iptables")" = /usr/sbin/iptables-legacy
check "restore slave back to legacy" test "$(readlink "$root/etc/alternatives/ip6tables-restore")" = /usr/sbin/ip6tables-legacy-restore
check "our entry is gone" sh -c "! update-alternatives --root '$root' --list iptables | grep -q swift"
check "files removed" sh -c "! find '$root/usr/local' -type f -o -type l | grep -q ."
summary install
