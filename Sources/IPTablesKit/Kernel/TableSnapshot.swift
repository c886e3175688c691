import CXtables
import Glibc

/// What a --noflush restore changes in a table, remembered chain by chain: before the
/// block first changes a chain (flushes it as declared, appends to it) its rules are
/// copied, and before it sets a policy the policy is kept. Anything else that changes the
/// table (a new, deleted or renamed chain, an insert, a delete, zeroing) marks it changed
/// and drops the copies. At COMMIT the table is the same when nothing was marked and every
/// chain it touched holds the same rules again: that commit is skipped. A block that
/// touches little copies little (a 10-rule change to a 100k-rule table copies nothing).
final class TableSnapshot {
    private let session: TableSession
    private var family: Family { session.family }
    private var rules: [String: [(entry: UnsafeMutableRawPointer, label: UnsafeMutablePointer<CChar>)]] = [:]
    private var policies: [String: Policy] = [:]
    /// Whether a change the snapshot cannot compare happened.
    private(set) var changed = false

    init(_ session: TableSession) { self.session = session }

    deinit { dropCopies() }

    /// Before the block changes the rules of a chain (flush, append): copies them once.
    func willChange(_ chain: String) {
        guard !changed, rules[chain] == nil else { return }
        rules[chain] = session.rules(of: chain).map { e in
            (EntryComparison.copy(family, e), strdup(session.targetLabel(of: e))!)
        }
    }

    /// Before the block sets a chain's policy: keeps the old one once.
    func willSetPolicy(_ chain: String) {
        guard !changed, policies[chain] == nil, let p = session.policy(of: chain) else { return }
        policies[chain] = p
    }

    /// A change that is not compared: the table will be committed.
    func markChanged() {
        changed = true
        dropCopies()
    }

    private func dropCopies() {
        for list in rules.values { for r in list { r.entry.deallocate(); free(r.label) } }
        rules = [:]
    }

    /// Whether the session holds the table as it was: nothing marked, the same policies
    /// (their counters too when `policyCounters`), every touched chain the same rules as -C
    /// compares them, jumps by label (their counters too when `ruleCounters`).
    func isSame(as session: TableSession, ruleCounters: Bool, policyCounters: Bool) -> Bool {
        guard !changed else { return false }
        for (chain, old) in policies {
            guard let p = session.policy(of: chain), p.name == old.name else { return false }
            if policyCounters && (p.packets != old.packets || p.bytes != old.bytes) { return false }
        }
        for (chain, old) in rules {
            let now = session.rules(of: chain)
            guard now.count == old.count else { return false }
            for (e, kept) in zip(now, old) {
                guard EntryComparison.same(family, e, kept.entry, counters: ruleCounters),
                      strcmp(session.targetLabel(of: e), kept.label) == 0 else { return false }
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
        shim_target_name(shim_entry_target(family.nfproto, entry))
    }

    /// Makes a rule read from the table fit to be appended as a new one: its target named
    /// by libiptc's label (a verdict or chain: libiptc maps that name), counters zeroed unless kept.
    static func prepareForAppend(_ family: Family, _ entry: UnsafeMutableRawPointer, label: UnsafePointer<CChar>,
                                 keepCounters: Bool) {
        if targetName(family, entry).pointee == 0 {
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
