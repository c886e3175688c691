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

    /// Chain names restore has declared: `-j NAME` with such a name jumps to the chain
    /// without asking libxtables for a target extension of that name, as iptables-restore's
    /// xtables_announce_chain arranges. This table replaces that call: libxtables keeps
    /// announced names in a fixed-size hash whose buckets grow with the number of chains, so
    /// announcing 70k chains cost a seventh of a kube-proxy restore's time, and every target
    /// lookup of ours for such a name is answered here first (RuleParser.loadTarget,
    /// findTarget). Each name maps to the number of the run of declarations that last
    /// declared it, which lets restore tell a repeat within one run in the same lookup.
    private static var announced: [String: Int] = [:]

    /// Whether restore has declared this chain name.
    static func isAnnounced(_ name: String) -> Bool { announced[name] != nil }

    /// Whether the name is one of the verdicts the standard target carries; libiptc refuses
    /// to create or rename a chain to one of them.
    static func isVerdict(_ name: String) -> Bool {
        // Lengths first: chain names are mostly longer, and a length costs nothing.
        switch name.utf8.count {
        case 4: return name == "DROP"
        case 5: return name == "QUEUE"
        case 6: return name == "ACCEPT" || name == "RETURN"
        default: return false
        }
    }

    /// Declares a chain name as not being a target extension, in the given run of
    /// declarations; returns the run that declared it before, if any.
    @discardableResult
    static func announceChain(_ name: String, run: Int) -> Int? {
        announced.updateValue(run, forKey: name)
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

    /// xtables_find_target, which answers "none" for an announced chain name unless the
    /// load must succeed. A load that must succeed still sees the announcement inside
    /// libxtables (a freshly loaded plugin of that name is then not found, and the error
    /// names errno as iptables-restore's does), so the name is announced there first.
    static func findTarget(_ name: String, _ load: Load) throws -> UnsafeMutablePointer<xtables_target>? {
        if isAnnounced(name) {
            if load != .mustSucceed { return nil }
            xtables_announce_chain(name)
        }
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
/// per run: the printers meet the same few names on every rule, so a short list searched
/// with strcmp beats building a String and hashing it for every match of every rule.
enum PrintLookups {
    /// One cached lookup: the name (owned copy), revision, and what libxtables returned.
    private struct Entry<T> {
        let name: UnsafeMutablePointer<CChar>
        let revision: UInt8
        let any: UnsafeMutablePointer<T>?
        let exact: UnsafeMutablePointer<T>?
    }

    private static var matches: [Entry<xtables_match>] = []
    private static var targets: [Entry<xtables_target>] = []

    static func match(_ name: UnsafePointer<CChar>, revision: UInt8)
        -> (any: UnsafeMutablePointer<xtables_match>?, exact: UnsafeMutablePointer<xtables_match>?) {
        for e in matches where e.revision == revision && strcmp(e.name, name) == 0 { return (e.any, e.exact) }
        let m = try? Extensions.findMatch(String(cString: name), .tryLoad, into: nil)
        let exact = m.flatMap { xtables_find_match_revision(name, XTF_TRY_LOAD, $0, Int32(revision)) }
        matches.append(Entry(name: strdup(name), revision: revision, any: m, exact: exact))
        return (m, exact)
    }

    static func target(_ name: UnsafePointer<CChar>, revision: UInt8)
        -> (any: UnsafeMutablePointer<xtables_target>?, exact: UnsafeMutablePointer<xtables_target>?) {
        for e in targets where e.revision == revision && strcmp(e.name, name) == 0 { return (e.any, e.exact) }
        let t = try? Extensions.findTarget(String(cString: name), .tryLoad)
        let exact = t.flatMap { xtables_find_target_revision(name, XTF_TRY_LOAD, $0, Int32(revision)) }
        targets.append(Entry(name: strdup(name), revision: revision, any: t, exact: exact))
        return (t, exact)
    }
}
