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
    /// One live chain: where its rules are in `rules` and `labels`, how many of them the
    /// block has matched so far, and whether the block declared it.
    private struct LiveChain {
        var first: Int
        var count: Int
        var cursor = 0
        var declared: Bool
    }

    private let session: TableSession
    private let family: Family
    /// The live chains in the session's order, and their positions by name.
    private var chains: [LiveChain] = []
    private var index: [String: Int] = [:]
    /// Every live rule (pointers into the session's copy, valid while it is unchanged) and
    /// its target label, chain after chain.
    private var rules: [UnsafeRawPointer] = []
    private var labels: [RuleLabel] = []
    /// The chain of the last append (a ruleset appends to one chain many times in a row).
    private var lastName = ""
    private var lastChain = -1
    /// The rules matched with the counters the file gave them (-c with [p:b]), by chain:
    /// the only ones whose live counters are kept when the table is rebuilt.
    private var counted: [String: Set<Int>] = [:]
    /// Whether something else than rules changed (a policy).
    private var changed = false
    /// Whether the comparison still runs (false once materialized).
    private(set) var active = true
    /// Brings the table to the normal path's state (set by restore: flush, then `replay`).
    var materializer: (() throws -> Void)?

    /// Reads the live table (rules and their labels stay in the session's copy): `chains`
    /// are the session's, of which the first `builtins` are the built-ins. Labels are asked
    /// for here, chain after chain in the table's order, which is the order a session
    /// answers fastest; the block's appends come in the file's order.
    init(_ session: TableSession, chains names: [String], builtins: Int) {
        self.session = session
        family = session.family
        builtinCount = builtins
        self.names = names
        chains.reserveCapacity(names.count)
        if let layout = (session as? ReplacingTable)?.layout ?? (session as? RuleLayout) {
            self.layout = layout
            rules = layout.allRules
            labels = layout.allLabels
            for n in names.indices {
                let r = layout.ruleRange(ofChainAt: n)
                chains.append(LiveChain(first: r.lowerBound, count: r.count, declared: n < builtins))
            }
            return
        }
        layout = nil
        index.reserveCapacity(names.count)
        for (n, name) in names.enumerated() {
            let live = session.rules(of: name)
            index[name] = chains.count
            chains.append(LiveChain(first: rules.count, count: live.count, declared: n < builtins))
            rules += live
            for e in live { labels.append(RuleLabel(text: session.targetLabel(of: e))) }
        }
    }

    /// The session's own layout of its rules when it has one (then `index` stays empty and
    /// chains are found by the session).
    private let layout: RuleLayout?

    /// The live chains' names, in the order of `chains`.
    private let names: [String]

    /// The number of built-in chains, which come first.
    private let builtinCount: Int

    /// The block declared a live user chain, by its place among the user chains (kept, as
    /// restore keeps it).
    func declareUserChain(_ i: Int) { chains[builtinCount + i].declared = true }

    /// Whether the next live rule of the chain jumps (or goes) to the named user chain: then
    /// that chain exists, as long as the comparison runs (nothing was deleted yet), and the
    /// caller need not look it up.
    func nextJumps(in chain: String, to name: String) -> Bool {
        guard active, select(chain) else { return false }
        let c = chains[lastChain]
        guard c.cursor < c.count else { return false }
        let at = c.first + c.cursor
        guard EntryComparison.targetName(family, rules[at]).pointee == 0 else { return false }
        let label = labels[at].text
        guard label.pointee != 0, !Names.isVerdict(name) else { return false }
        return name.withCString { strcmp($0, label) == 0 }
    }

    /// Makes `lastChain` the named chain; false when it is not a live one.
    private func select(_ chain: String) -> Bool {
        if lastChain < 0 || lastName != chain {
            lastName = chain
            lastChain = (layout != nil ? layout!.chainPosition(chain) : index[chain]) ?? -1
        }
        return lastChain >= 0
    }

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
        // Every live user chain is declared by now (one that is not makes restore delete it,
        // which materializes first): a jump to a live chain jumps to a declared one.
        guard active, select(chain) else { return false }
        let c = chains[lastChain]
        guard c.declared, c.cursor < c.count else { return false }
        let at = c.first + c.cursor
        let old = rules[at]
        guard (EntryComparison.targetName(family, old).pointee == 0) == standard,
              strcmp(labels[at].text, EntryComparison.targetName(family, entry)) == 0,
              EntryComparison.same(family, entry, old, counters: counters) else { return false }
        if counters { counted[chain, default: []].insert(c.cursor) }
        chains[lastChain].cursor += 1
        return true
    }

    /// Whether the block rebuilt the live table exactly: every live rule matched, no
    /// policy changed. (New or deleted chains have materialized it already.)
    var unchanged: Bool {
        active && !changed && chains.allSatisfy { $0.cursor == $0.count && $0.declared }
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
        for (i, c) in chains.enumerated() where c.cursor > 0 {
            let name = names[i]
            let taken = c.first..<(c.first + c.cursor)
            let sizes = taken.map { EntryComparison.size(family, rules[$0]) }
            let copies = TakenCopies(chain: name, size: sizes.reduce(0, +))
            var offset = 0
            for (k, r) in taken.enumerated() {
                let copy = copies.buffer + offset
                copy.copyMemory(from: rules[r], byteCount: sizes[k])
                let keepCounters = counted[name]?.contains(k) ?? false
                EntryComparison.prepareForAppend(family, copy, label: labels[r].text, keepCounters: keepCounters)
                copies.offsets.append(offset)
                offset += sizes[k]
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
