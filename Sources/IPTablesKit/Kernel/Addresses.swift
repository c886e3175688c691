import CXtables
import Glibc

/// One host/network of a rule's source or destination: 16-byte address and mask, in the
/// byte layout of the rule header (IPv4 uses the first 4 bytes). Plain values, no heap.
struct AddressSlot {
    typealias Bytes16 = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    var address: Bytes16
    var mask: Bytes16

    /// All bytes zero.
    init() {
        address = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        mask = address
    }

    /// Reads the 16 bytes at each pointer.
    init(address: UnsafeRawPointer, mask: UnsafeRawPointer) {
        self.address = address.loadUnaligned(as: Bytes16.self)
        self.mask = mask.loadUnaligned(as: Bytes16.self)
    }
}

/// Address lists of -s/-d through libxtables (hostnames, masks, comma lists).
enum Addresses {
    /// The family's any-address ("0.0.0.0/0" / "::0/0"), parsed once per context: every
    /// rule without -s or -d uses it.
    static func any(_ context: XtablesContext) throws -> [AddressSlot] {
        if let cached = context.anyAddresses { return cached }
        let parsed = try context.family.anyAddress.withCString { try parse($0, family: context.family) }
        context.anyAddresses = parsed
        return parsed
    }

    /// A -s/-d argument as libxtables reads it (names, masks, comma lists). A plain IPv4
    /// address (most restore lines) is read directly, with libxtables' result.
    static func parse(_ spec: UnsafePointer<CChar>, family: Family) throws -> [AddressSlot] {
        if !family.isIPv6 {
            var slot = AddressSlot()
            let plain = withUnsafeMutableBytes(of: &slot.address) { a in
                withUnsafeMutableBytes(of: &slot.mask) { m in
                    fast_plain_ipv4(spec, a.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                    m.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            if plain { return [slot] }
        }
        var addrs: UnsafeMutablePointer<UInt8>?
        var masks: UnsafeMutablePointer<UInt8>?
        var count: UInt32 = 0
        guard shim_parse_addresses(family.nfproto, spec, &addrs, &masks, &count) == 0 else {
            throw IPTablesError.caught()
        }
        defer { free(addrs); free(masks) }
        return (0..<Int(count)).map { i in
            AddressSlot(address: addrs! + 16 * i, mask: masks! + 16 * i)
        }
    }
}
