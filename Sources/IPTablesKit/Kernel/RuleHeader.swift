import CXtables

/// A decoded rule header, from a kernel entry or a rule being built.
struct RuleHeader {
    private var raw: shim_rule_ip
    let family: Family

    /// Packets and bytes the kernel counted.
    var packets: UInt64 { raw.pcnt }
    var bytes: UInt64 { raw.bcnt }
    /// The protocol number, 0 for any.
    var proto: UInt16 { raw.proto }
    /// IPT_F_* flags (fragment, goto).
    var flags: UInt8 { raw.flags }
    /// Inversion bits (InvFlag).
    var invflags: UInt8 { raw.invflags }

    init(entry: UnsafeRawPointer, family: Family) {
        raw = shim_rule_ip()
        shim_entry_get_ip(family.nfproto, entry, &raw)
        self.family = family
    }

    /// Runs `body` with the bytes of the source, source mask, destination and destination mask.
    func withAddresses<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer,
                                   UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        let w = family.addressWidth
        var copy = raw
        return withUnsafeBytes(of: &copy) { all in
            let base = all.baseAddress!
            func field(_ path: KeyPath<shim_rule_ip, (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                                                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)>) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(start: base + MemoryLayout<shim_rule_ip>.offset(of: path)!, count: w)
            }
            return body(field(\.src), field(\.smsk), field(\.dst), field(\.dmsk))
        }
    }

    /// Runs `body` with the bytes of the in/out interface names and masks.
    func withInterfaces<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer,
                                    UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        var copy = raw
        return withUnsafeBytes(of: &copy) { all in
            let base = all.baseAddress!
            let l = MemoryLayout<shim_rule_ip>.self
            func at(_ offset: Int?) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + offset!, count: 16) }
            return body(at(l.offset(of: \.iniface)), at(l.offset(of: \.iniface_mask)),
                        at(l.offset(of: \.outiface)), at(l.offset(of: \.outiface_mask)))
        }
    }
}
