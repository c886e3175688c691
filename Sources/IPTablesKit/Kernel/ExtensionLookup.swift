import CXtables
import Glibc

/// How hard a lookup tries to load an extension's plugin.
enum LoadMode {
    case dontLoad, tryLoad, mustSucceed
    var c: xtables_tryload {
        switch self {
        case .dontLoad: return XTF_DONT_LOAD
        case .tryLoad: return XTF_TRY_LOAD
        case .mustSucceed: return XTF_LOAD_MUST_SUCCEED
        }
    }
}

/// Lookups of match and target extensions through libxtables, on a context.
extension XtablesContext {
    func findMatch(_ name: String, _ load: LoadMode,
                   into list: UnsafeMutablePointer<UnsafeMutablePointer<xtables_rule_match>?>?) throws
        -> UnsafeMutablePointer<xtables_match>? {
        var out: UnsafeMutablePointer<xtables_match>?
        guard shim_find_match(name, load.c, list, &out) == 0 else { throw IPTablesError.caught() }
        return out
    }

    /// xtables_find_target, which answers "none" for an announced chain name unless the
    /// load must succeed. A load that must succeed still sees the announcement inside
    /// libxtables (a freshly loaded plugin of that name is then not found, and the error
    /// names errno as iptables-restore's does), so the name is announced there first.
    func findTarget(_ name: String, _ load: LoadMode) throws -> UnsafeMutablePointer<xtables_target>? {
        if isAnnounced(name) {
            if load != .mustSucceed { return nil }
            xtables_announce_chain(name)
        }
        var out: UnsafeMutablePointer<xtables_target>?
        guard shim_find_target(name, load.c, &out) == 0 else { throw IPTablesError.caught() }
        return out
    }

    /// Whether a target extension of this name exists (a chain may not take its name).
    func isTargetExtension(_ name: String) throws -> Bool { try findTarget(name, .tryLoad) != nil }

    /// Fails as iptables does for a -j name that is neither a chain nor an extension.
    func requireTarget(_ name: String) throws { _ = try findTarget(name, .mustSucceed) }

    /// The match that -p names: by name, or for a number by its protocol's name.
    func protocolMatch(_ proto: String, _ load: LoadMode, numeric: Bool,
                       into list: UnsafeMutablePointer<UnsafeMutablePointer<xtables_rule_match>?>?)
        -> UnsafeMutablePointer<xtables_match>? {
        var number: UInt32 = 0
        var name = proto
        if xtables_strtoui(proto, nil, &number, 0, 255) {
            guard let n = protocolName(UInt16(number), lookup: !numeric) else { return nil }
            name = n
        }
        return try? findMatch(name, load, into: list)
    }
}

extension IPTablesError {
    /// An error caught from libxtables or an extension through the shim.
    static func caught() -> IPTablesError {
        let status = ExitStatus(rawValue: shim_error_status()) ?? .other
        return IPTablesError(status, String(cString: shim_error_message()))
    }
}

/// Match and target extensions by the name and revision stored in a rule, looked up once
/// per context: the printers meet the same few names on every rule, so a short list
/// searched with strcmp beats building a String and hashing it for every match of every rule.
struct PrintLookups {
    /// One cached lookup: the name (owned copy), revision, what libxtables returned, and
    /// which of those are clones this cache owns (told at lookup time: after a family
    /// switch the plugins behind the other pointers are unloaded and must not be read).
    private struct Entry<T> {
        let name: UnsafeMutablePointer<CChar>
        let revision: UInt8
        let any: UnsafeMutablePointer<T>?
        let exact: UnsafeMutablePointer<T>?
        /// The results that are clones (owned here), nil where none.
        let clones: (UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?)
        /// For a match whose exact plugin has a native form (NativeMatch), that form.
        var native: NativeMatch? = nil
        /// For a target whose exact plugin has a native form (NativeTarget), that form.
        var nativeTarget: NativeTarget? = nil
    }

    private var matches: [Entry<xtables_match>] = []
    private var targets: [Entry<xtables_target>] = []

    /// Forgets every lookup (their plugins are about to be unloaded, or the context goes)
    /// and frees what it owns: the names, and the clones libxtables hands out for an
    /// extension already in use (a clone is marked by `next` pointing at itself).
    mutating func clear() {
        for e in matches {
            free(e.name)
            free(e.clones.0)
            free(e.clones.1)
        }
        for e in targets {
            free(e.name)
            free(e.clones.0)
            free(e.clones.1)
        }
        matches = []
        targets = []
    }

    /// The distinct clones among a lookup's results (a clone's `next` points at itself).
    private static func clones<T>(_ any: UnsafeMutablePointer<T>?, _ exact: UnsafeMutablePointer<T>?,
                                  isClone: (UnsafeMutablePointer<T>) -> Bool)
        -> (UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?) {
        (any.flatMap { isClone($0) ? $0 : nil }, exact.flatMap { $0 != any && isClone($0) ? $0 : nil })
    }

    /// The plugin of a match name (any revision), the one of its exact revision, and the
    /// native form of the latter (NativeMatch) if it has one. `beforeLoading` runs when the
    /// name is not cached yet: loading a plugin may write to stderr.
    mutating func match(_ name: UnsafePointer<CChar>, revision: UInt8, in context: XtablesContext,
                        beforeLoading: () -> Void = {})
        -> (any: UnsafeMutablePointer<xtables_match>?, exact: UnsafeMutablePointer<xtables_match>?, native: NativeMatch?) {
        for e in matches where e.revision == revision && strcmp(e.name, name) == 0 { return (e.any, e.exact, e.native) }
        beforeLoading()
        let m = try? context.findMatch(String(cString: name), .tryLoad, into: nil)
        let exact = m.flatMap { xtables_find_match_revision(name, XTF_TRY_LOAD, $0, Int32(revision)) }
        let owned = PrintLookups.clones(m, exact) { $0.pointee.next == $0 }
        let native = exact.flatMap(NativeMatch.of)
        matches.append(Entry(name: strdup(name), revision: revision, any: m, exact: exact, clones: owned, native: native))
        return (m, exact, native)
    }

    /// The plugin of a target name (any revision), the one of its exact revision, and the
    /// native form of the latter (NativeTarget) if it has one. `beforeLoading` as for a match.
    mutating func target(_ name: UnsafePointer<CChar>, revision: UInt8, in context: XtablesContext,
                         beforeLoading: () -> Void = {})
        -> (any: UnsafeMutablePointer<xtables_target>?, exact: UnsafeMutablePointer<xtables_target>?, native: NativeTarget?) {
        for e in targets where e.revision == revision && strcmp(e.name, name) == 0 { return (e.any, e.exact, e.nativeTarget) }
        beforeLoading()
        let t = try? context.findTarget(String(cString: name), .tryLoad)
        let exact = t.flatMap { xtables_find_target_revision(name, XTF_TRY_LOAD, $0, Int32(revision)) }
        let owned = PrintLookups.clones(t, exact) { $0.pointee.next == $0 }
        let native = exact.flatMap(NativeTarget.of)
        targets.append(Entry(name: strdup(name), revision: revision, any: t, exact: exact, clones: owned, nativeTarget: native))
        return (t, exact, native)
    }
}

/// Protocol numbers and names as iptables shows them, cached per context. Indexed by
/// number * 2 + (whether /etc/protocols may be asked); protocol numbers in rules are
/// 0...255.
struct ProtocolNames {
    /// One cached answer: nil when not looked up yet, "" when the number has no name (no
    /// protocol is named ""). A struct of its own, not `String??`: an array of these needs
    /// no Optional type metadata made at run time (two instantiations at the first rule a
    /// listing or save printed).
    private struct Slot {
        var name: String?
    }

    /// Made at the first lookup (a tool that prints no rule never needs it).
    private var cache: [Slot] = []

    /// libxtables' own table first (tcp, udp, …, all), then /etc/protocols when allowed.
    mutating func name(_ number: UInt16, lookup: Bool) -> String? {
        guard number < 256 else { return ProtocolNames.uncached(number, lookup: lookup) }
        let key = Int(number) << 1 | (lookup ? 1 : 0)
        if cache.isEmpty { cache = [Slot](repeating: Slot(), count: 512) }
        if let known = cache[key].name { return known.isEmpty ? nil : known }
        let found = ProtocolNames.uncached(number, lookup: lookup)
        cache[key].name = found ?? ""
        return found
    }

    private static func uncached(_ number: UInt16, lookup: Bool) -> String? {
        var p = shim_chain_protos()
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

extension XtablesContext {
    /// A protocol's name for listings and save; nil when none is known.
    func protocolName(_ number: UInt16, lookup: Bool) -> String? {
        protocolNames.name(number, lookup: lookup)
    }
}
