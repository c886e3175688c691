import CXtables

/// A decoded rule header, from a kernel entry or a rule being built.
struct RuleHeader {
    private var raw: shim_rule_ip
    /// Bytes of an address (4 or 16): the family is all the header needs to know of it.
    private let addressWidth: Int

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
        addressWidth = family.addressWidth
    }

    /// Where the fields lie in `shim_rule_ip`, found once (a key path per rule cost more
    /// than printing the addresses).
    private static let offsets: (src: Int, smsk: Int, dst: Int, dmsk: Int,
                                 iniface: Int, inifaceMask: Int, outiface: Int, outifaceMask: Int) = {
        let l = MemoryLayout<shim_rule_ip>.self
        return (l.offset(of: \.src)!, l.offset(of: \.smsk)!, l.offset(of: \.dst)!, l.offset(of: \.dmsk)!,
                l.offset(of: \.iniface)!, l.offset(of: \.iniface_mask)!,
                l.offset(of: \.outiface)!, l.offset(of: \.outiface_mask)!)
    }()

    /// Runs `body` with the bytes of the source, source mask, destination and destination mask.
    func withAddresses<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer,
                                   UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        let w = addressWidth, o = RuleHeader.offsets
        return withUnsafeBytes(of: raw) { all in
            let base = all.baseAddress!
            func field(_ offset: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + offset, count: w) }
            return body(field(o.src), field(o.smsk), field(o.dst), field(o.dmsk))
        }
    }

    /// Runs `body` with the bytes of the in/out interface names and masks.
    func withInterfaces<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer,
                                    UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        let o = RuleHeader.offsets
        return withUnsafeBytes(of: raw) { all in
            let base = all.baseAddress!
            func at(_ offset: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + offset, count: 16) }
            return body(at(o.iniface), at(o.inifaceMask), at(o.outiface), at(o.outifaceMask))
        }
    }
}
