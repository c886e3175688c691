import CXtables
import Glibc

/// A table as it was when restore opened it (before any flush): chains in order, policies
/// and every rule's entry and target label, copied out of libiptc. At COMMIT restore asks
/// whether the table it built is the same; if so the commit is skipped (nothing would
/// change but the counters, which then keep counting).
final class TableSnapshot {
    private struct Chain {
        var name: String
        var builtin: Bool
        var policy: Policy?
        var rules: [(entry: UnsafeMutableRawPointer, label: UnsafeMutablePointer<CChar>)]
    }

    private let family: Family
    private var chains: [Chain] = []

    /// Copies the session's current state.
    init(_ session: TableSession) {
        family = session.family
        let proto = family.nfproto
        for name in session.chains() {
            var chain = Chain(name: name, builtin: session.isBuiltin(name), policy: session.policy(of: name), rules: [])
            let rules = session.rules(of: name)
            chain.rules.reserveCapacity(rules.count)
            for e in rules {
                let size = shim_entry_size(proto, e)
                let copy = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
                copy.copyMemory(from: e, byteCount: size)
                chain.rules.append((copy, strdup(session.targetLabel(of: e))!))
            }
            chains.append(chain)
        }
    }

    deinit {
        for c in chains { for r in c.rules { r.entry.deallocate(); free(r.label) } }
    }

    /// Whether the session now holds the same table: the same chains in the same order,
    /// the same policies (their counters too when `policyCounters`), the same rules as -C
    /// compares them, jumps by chain name (their counters too when `ruleCounters`).
    func isSame(as session: TableSession, ruleCounters: Bool, policyCounters: Bool) -> Bool {
        let names = session.chains()
        guard names.count == chains.count else { return false }
        let proto = family.nfproto
        for (old, name) in zip(chains, names) {
            guard old.name == name, old.builtin == session.isBuiltin(name) else { return false }
            if old.builtin {
                guard let p = session.policy(of: name), let q = old.policy, p.name == q.name else { return false }
                if policyCounters && (p.packets != q.packets || p.bytes != q.bytes) { return false }
            }
            let rules = session.rules(of: name)
            guard rules.count == old.rules.count else { return false }
            for (e, kept) in zip(rules, old.rules) {
                guard shim_entries_equivalent(proto, e, kept.entry, ruleCounters) else { return false }
                guard strcmp(session.targetLabel(of: e), kept.label) == 0 else { return false }
            }
        }
        return true
    }
}

/// Rule entries compared as -C compares them (the C shim's walk over matches and target).
enum EntryComparison {
    /// Whether two entries are the same rule (counters too when asked); standard targets
    /// compare equal here: compare the labels as well.
    static func same(_ family: Family, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, counters: Bool) -> Bool {
        shim_entries_equivalent(family.nfproto, a, b, counters)
    }

    /// The name in an encoded entry's target: an extension, a verdict or a chain (as a
    /// new rule carries it before libiptc maps it), "" for none.
    static func targetName(_ family: Family, _ entry: UnsafeRawPointer) -> UnsafePointer<CChar> {
        shim_entry_target_name(family.nfproto, entry)
    }

    /// Makes a rule read from the table fit to be appended as a new one: its target named
    /// by libiptc's label (a verdict or chain: libiptc maps that name), counters zeroed unless kept.
    static func prepareForAppend(_ family: Family, _ entry: UnsafeMutableRawPointer, label: UnsafePointer<CChar>,
                                 keepCounters: Bool) {
        if shim_entry_target_name(family.nfproto, entry).pointee == 0 {
            shim_entry_set_target_name(family.nfproto, entry, label)
        }
        if !keepCounters { shim_entry_set_counters(family.nfproto, entry, 0, 0) }
    }

    /// The whole size of an entry in bytes.
    static func size(_ family: Family, _ entry: UnsafeRawPointer) -> Int { shim_entry_size(family.nfproto, entry) }

    /// A copy of an entry (freed by the caller with `deallocate`).
    static func copy(_ family: Family, _ entry: UnsafeRawPointer) -> UnsafeMutableRawPointer {
        let size = shim_entry_size(family.nfproto, entry)
        let c = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        c.copyMemory(from: entry, byteCount: size)
        return c
    }
}
