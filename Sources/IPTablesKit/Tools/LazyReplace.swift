import Glibc

/// A flushing restore of a table that may leave it as it is (kube-proxy and friends reload
/// the same rules over and over). Instead of flushing the table when its block opens and
/// appending every rule again, each appended rule is compared with the next live rule of
/// its chain; while they all match, libiptc's copy of the table is not touched. At COMMIT
/// an unchanged table is not committed at all (its counters and the state of matches such
/// as quota, limit and statistic survive). On the first difference, or any command other
/// than an append, `materialize` brings the table to what the normal path would hold by
/// then (flushed, the rules taken so far appended again), and restore goes on as usual.
final class LazyReplace {
    /// One live chain: its rules (pointers into the session's copy, valid while it is
    /// unchanged) and how many of them the block has matched so far.
    private final class LiveChain {
        let rules: [UnsafeRawPointer]
        var cursor = 0
        var declared: Bool

        init(rules: [UnsafeRawPointer], declared: Bool) {
            self.rules = rules
            self.declared = declared
        }
    }

    private let session: TableSession
    private let family: Family
    private var live: [String: LiveChain] = [:]
    /// The chain of the last append (a ruleset appends to one chain many times in a row).
    private var lastName = ""
    private var lastChain: LiveChain?
    /// The rules matched with the counters the file gave them (-c with [p:b]), by chain:
    /// the only ones whose live counters are kept when the table is rebuilt.
    private var counted: [String: Set<Int>] = [:]
    /// Whether something else than rules changed (a policy).
    private var changed = false
    /// Whether the comparison still runs (false once materialized).
    private(set) var active = true
    /// Brings the table to the normal path's state (set by restore: flush, then `replay`).
    var materializer: (() throws -> Void)?

    /// Reads the live table (rules and their labels stay in the session's copy).
    init(_ session: TableSession) {
        self.session = session
        family = session.family
        let builtins = Set(BuiltinChains.byTable[session.table] ?? [])
        for name in session.chains() {
            live[name] = LiveChain(rules: session.rules(of: name), declared: builtins.contains(name))
        }
    }

    /// The block declared a live user chain (kept, as restore keeps it).
    func declare(_ chain: String) { live[chain]?.declared = true }

    /// A policy is set: a change unless it is the live one (counters too when given).
    func setPolicy(_ chain: String, _ name: String, counters: (UInt64, UInt64)?) {
        guard let p = session.policy(of: chain), p.name == name else { changed = true; return }
        if let c = counters, c.0 != p.packets || c.1 != p.bytes { changed = true }
    }

    /// Whether an appended entry is the next live rule of its chain: then it is taken and
    /// libiptc is not asked. `counters`: the rule gave counters (-c with [p:b]) to compare.
    /// `standard`: the entry's target is the standard one (verdict, jump or none), which a
    /// live rule read from the kernel names "" (a chain may share an extension's name).
    func take(_ chain: String, _ entry: UnsafeRawPointer, counters: Bool, standard: Bool) -> Bool {
        guard active else { return false }
        if lastChain == nil || lastName != chain {
            lastName = chain
            lastChain = live[chain]
        }
        // Every live user chain is declared by now (one that is not makes restore delete it,
        // which materializes first): a jump to a live chain jumps to a declared one.
        guard let c = lastChain, c.declared, c.cursor < c.rules.count else { return false }
        let old = c.rules[c.cursor]
        guard (EntryComparison.targetName(family, old).pointee == 0) == standard,
              strcmp(session.targetLabel(of: old), EntryComparison.targetName(family, entry)) == 0,
              EntryComparison.same(family, entry, old, counters: counters) else { return false }
        if counters { counted[chain, default: []].insert(c.cursor) }
        c.cursor += 1
        return true
    }

    /// Whether the block rebuilt the live table exactly: every live rule matched, no
    /// policy changed. (New or deleted chains have materialized it already.)
    var unchanged: Bool {
        active && !changed && live.values.allSatisfy { $0.cursor == $0.rules.count && $0.declared }
    }

    /// Stops comparing and brings the table to the normal path's state.
    func materialize() throws {
        guard active else { return }
        active = false
        try materializer?()
    }

    /// The rules matched so far, copied out of the live table before it is flushed: the
    /// same rules as the block's (compared as -C compares), named by their label as a new
    /// rule is, with zero counters unless the file gave them. One 8-aligned buffer per chain.
    func copyTaken() -> [TakenCopies] {
        var out: [TakenCopies] = []
        for (name, c) in live where c.cursor > 0 {
            let sizes = (0..<c.cursor).map { EntryComparison.size(family, c.rules[$0]) }
            let copies = TakenCopies(chain: name, size: sizes.reduce(0, +))
            var at = 0
            for i in 0..<c.cursor {
                let e = c.rules[i]
                let copy = copies.buffer + at
                copy.copyMemory(from: e, byteCount: sizes[i])
                let keepCounters = counted[name]?.contains(i) ?? false
                EntryComparison.prepareForAppend(family, copy, label: session.targetLabel(of: e), keepCounters: keepCounters)
                copies.offsets.append(at)
                at += sizes[i]
            }
            out.append(copies)
        }
        return out
    }

    /// Appends copies made by `copyTaken` (after the table was flushed).
    func replay(_ copies: [TakenCopies]) throws {
        for c in copies {
            for o in c.offsets { try session.append(c.chain, UnsafeRawPointer(c.buffer + o)) }
        }
    }
}

/// One chain's matched rules, copied (entries are 8-aligned and their sizes multiples of 8).
final class TakenCopies {
    let chain: String
    let buffer: UnsafeMutableRawPointer
    var offsets: [Int] = []

    init(chain: String, size: Int) {
        self.chain = chain
        buffer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 8), alignment: 8)
    }

    deinit { buffer.deallocate() }
}
