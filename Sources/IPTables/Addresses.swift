import CXtables
import Glibc

/// Address lists of -s/-d through libxtables (hostnames, masks, comma lists).
enum Addresses {
    /// The parsed form of "0.0.0.0/0" / "::0/0", used by every rule without -s or -d.
    private static var anyCache: [UInt8: [AddressSlot]] = [:]

    /// Addresses of the family's any-address spec, parsed once.
    static func any(family: Family) throws -> [AddressSlot] {
        if let cached = anyCache[family.nfproto] { return cached }
        let parsed = try family.anyAddress.withCString { try parse($0, family: family) }
        anyCache[family.nfproto] = parsed
        return parsed
    }

    /// A -s/-d argument as libxtables reads it (names, masks, comma lists).
    static func parse(_ spec: UnsafePointer<CChar>, family: Family) throws -> [AddressSlot] {
        try parseWithLibrary(spec, family: family)
    }

    private static func parseWithLibrary(_ spec: UnsafePointer<CChar>, family: Family) throws -> [AddressSlot] {
        var addrs: UnsafeMutablePointer<UInt8>?
        var masks: UnsafeMutablePointer<UInt8>?
        var count: UInt32 = 0
        guard shim_parse_addresses(family.nfproto, spec, &addrs, &masks, &count) == 0 else {
            throw ToolError.caught()
        }
        defer { free(addrs); free(masks) }
        return (0..<Int(count)).map { i in
            AddressSlot(address: addrs! + 16 * i, mask: masks! + 16 * i)
        }
    }
}
