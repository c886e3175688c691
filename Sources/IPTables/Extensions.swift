import CXtables
import Glibc

/// Lookups of match and target extensions through libxtables.
enum Extensions {
    enum Load { case dontLoad, tryLoad, mustSucceed
        var c: xtables_tryload {
            switch self {
            case .dontLoad: return XTF_DONT_LOAD
            case .tryLoad: return XTF_TRY_LOAD
            case .mustSucceed: return XTF_LOAD_MUST_SUCCEED
            }
        }
    }

    /// Chain names restore has declared. libxtables is told too (xtables_announce_chain) and
    /// then answers "no such target" for them; asking it costs a walk of one of its hash
    /// buckets, which grows with the number of chains, so we answer from this set first.
    private(set) static var announcedChains: Set<String> = []

    /// Declares a chain name as not being a target extension.
    static func announceChain(_ name: String) {
        announcedChains.insert(name)
        xtables_announce_chain(name)
    }

    /// Forgets the previous rule's extension state (flags, used marks, merged options).
    static func resetForNewRule() {
        shim_reset_extension_flags()
        shim_reset_options()
    }

    static func findMatch(_ name: String, _ load: Load,
                          into list: UnsafeMutablePointer<UnsafeMutablePointer<xtables_rule_match>?>?) throws
        -> UnsafeMutablePointer<xtables_match>? {
        var out: UnsafeMutablePointer<xtables_match>?
        guard shim_find_match(name, load.c, list, &out) == 0 else { throw ToolError.caught() }
        return out
    }

    static func findTarget(_ name: String, _ load: Load) throws -> UnsafeMutablePointer<xtables_target>? {
        var out: UnsafeMutablePointer<xtables_target>?
        guard shim_find_target(name, load.c, &out) == 0 else { throw ToolError.caught() }
        return out
    }

    /// The match that -p names: by name, or for a number by its protocol's name.
    static func protocolMatch(_ proto: String, _ load: Load, numeric: Bool,
                              into list: UnsafeMutablePointer<UnsafeMutablePointer<xtables_rule_match>?>?)
        -> UnsafeMutablePointer<xtables_match>? {
        var number: UInt32 = 0
        var name = proto
        if xtables_strtoui(proto, nil, &number, 0, 255) {
            guard let n = Protocols.name(UInt16(number), lookup: !numeric) else { return nil }
            name = n
        }
        return try? findMatch(name, load, into: list)
    }

    /// iptables' checks on a -j/-g name.
    static func validTargetName(_ name: String) throws -> String {
        if name.isEmpty { throw ToolError.parameter("Invalid target name (too short)") }
        if name.utf8.count >= 29 { throw ToolError.parameter("Invalid target name `\(name)' (28 chars max)") }
        if hasSpace(name) { throw ToolError.parameter("Invalid target name `\(name)'") }
        return name
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// Whether any byte of the name is white space (isspace in the C locale).
    static func hasSpace(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            for b in bytes where isSpace(b) { return true }
            return false
        }
    }
}

/// Match and target extensions by the name and revision stored in a rule, looked up once
/// per run: the printers meet the same few names on every rule.
enum PrintLookups {
    struct Key: Hashable { let name: String; let revision: UInt8 }
    /// A match: the extension for the name (nil if none), and the one of that exact revision.
    private static var matches: [Key: (UnsafeMutablePointer<xtables_match>?, UnsafeMutablePointer<xtables_match>?)] = [:]
    private static var targets: [Key: (UnsafeMutablePointer<xtables_target>?, UnsafeMutablePointer<xtables_target>?)] = [:]

    static func match(_ name: String, revision: UInt8) -> (any: UnsafeMutablePointer<xtables_match>?, exact: UnsafeMutablePointer<xtables_match>?) {
        let key = Key(name: name, revision: revision)
        if let hit = matches[key] { return hit }
        let m = try? Extensions.findMatch(name, .tryLoad, into: nil)
        let exact = m.flatMap { xtables_find_match_revision(name, XTF_TRY_LOAD, $0, Int32(revision)) }
        matches[key] = (m, exact)
        return (m, exact)
    }

    static func target(_ name: String, revision: UInt8) -> (any: UnsafeMutablePointer<xtables_target>?, exact: UnsafeMutablePointer<xtables_target>?) {
        let key = Key(name: name, revision: revision)
        if let hit = targets[key] { return hit }
        let t = try? Extensions.findTarget(name, .tryLoad)
        let exact = t.flatMap { xtables_find_target_revision(name, XTF_TRY_LOAD, $0, Int32(revision)) }
        targets[key] = (t, exact)
        return (t, exact)
    }
}

/// Rules for user chain names (-N, and -E's new name).
enum ChainName {
    static func validate(_ name: String) throws {
        if name.utf8.count >= 29 {
            throw ToolError.parameter("chain name `\(name)' too long (must be under 29 chars)")
        }
        if let first = name.first, first == "-" || first == "!" {
            throw ToolError.parameter("chain name not allowed to start with `\(first)'")
        }
        if try Extensions.findTarget(name, .tryLoad) != nil {
            throw ToolError.parameter("chain name may not clash with target name")
        }
        if Extensions.hasSpace(name) {
            throw ToolError.parameter("Invalid chain name `\(name)'")
        }
    }
}

/// Protocol numbers and names as iptables shows them.
enum Protocols {
    /// Names already looked up, by number and whether /etc/protocols may be asked.
    private static var cache: [UInt32: String?] = [:]

    /// libxtables' own table first (tcp, udp, …, all), then /etc/protocols when allowed.
    static func name(_ number: UInt16, lookup: Bool) -> String? {
        let key = UInt32(number) << 1 | (lookup ? 1 : 0)
        if let known = cache[key] { return known }
        let found = uncachedName(number, lookup: lookup)
        cache[key] = found
        return found
    }

    private static func uncachedName(_ number: UInt16, lookup: Bool) -> String? {
        var p = shim_chain_protos()!
        while let n = p.pointee.name {
            if UInt16(p.pointee.num) == number { return String(cString: n) }
            p += 1
        }
        if number != 0 && lookup, let ent = getprotobynumber(Int32(number)) {
            return String(cString: ent.pointee.p_name)
        }
        return nil
    }
}

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

/// Numbers read the way iptables reads them with sscanf.
enum CNumber {
    /// "%llu": optional spaces and sign, decimal digits; nil when none.
    static func scanUnsigned(_ s: String) -> UInt64? {
        scan(s) { p, end in strtoull(p, end, 10) }
    }

    /// "%i": decimal, 0x hex or 0 octal, as strtol with base 0; nil when no digits.
    static func scanInt(_ s: String) -> Int32? {
        scan(s) { p, end in Int32(truncatingIfNeeded: strtol(p, end, 0)) }
    }

    private static func scan<T>(_ s: String, _ f: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T? {
        s.withCString { p in
            var end: UnsafeMutablePointer<CChar>?
            let v = f(p, &end)
            return end.map { UnsafePointer($0) } == p ? nil : v
        }
    }
}

/// The version this binary reports: the libxtables it was built against, legacy kernel interface.
enum Version {
    static let number = String(cString: shim_xtables_version())
    static let string = number + " (legacy)"
}
