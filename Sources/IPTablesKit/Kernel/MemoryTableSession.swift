import CXtables
import Glibc

/// A table of `MemoryTables` opened for a command or a restore: it changes a copy, and
/// `commit` hands the copy back to the store. Behaves as libiptc does for every
/// operation the tools use, with the same errno values and texts.
final class MemoryTable: TableSession {
    let family: Family
    let table: String
    private var state: MemoryTableState
    private unowned let store: MemoryTables
    /// Every entry this session handed out, by address, for `targetLabel`.
    private var known: [UnsafeRawPointer: StoredEntry] = [:]
    /// The operation that failed last, for `message(for:)`.
    private var lastOperation = Operation.other
    var freesHandle = true

    /// libiptc's operations whose errors it words differently.
    enum Operation { case append, insert, replace, deleteNumber, deleteEntry, check, zeroCounter, createChain,
                          deleteChain, renameChain, setPolicy, other }

    init(family: Family, table: String, state: MemoryTableState, store: MemoryTables) {
        self.family = family
        self.table = table
        self.state = state
        self.store = store
        for list in state.rules.values { for r in list { known[UnsafeRawPointer(r.bytes)] = r } }
    }

    // MARK: - Reading

    func chains() -> [String] { state.builtins + state.userChains }
    func rules(of chain: String) -> [UnsafeRawPointer] { (state.rules[chain] ?? []).map { UnsafeRawPointer($0.bytes) } }
    func targetLabel(of entry: UnsafeRawPointer) -> UnsafePointer<CChar> { UnsafePointer(known[entry]!.label) }
    func isBuiltin(_ name: String) -> Bool { state.builtins.contains(name) }
    func isChain(_ name: String) -> Bool { state.rules[name] != nil }
    func policy(of chain: String) -> Policy? { state.policies[chain] }

    func references(of chain: String) -> Int? {
        guard isChain(chain) else { return nil }
        var n = 0
        for list in state.rules.values { for r in list where r.isJump && strcmp(r.label, chain) == 0 { n += 1 } }
        return n
    }

    // MARK: - For the chain operations (MemoryTableChains.swift)

    /// libiptc's error for an operation.
    func failure(_ op: Operation, _ err: Int32) -> IPTablesError { fail(op, err) }
    /// Changes the working copy.
    func mutate(_ body: (inout MemoryTableState) -> Void) { body(&state) }
    /// The stored rule behind an entry this session handed out.
    func entry(at p: UnsafeRawPointer) -> StoredEntry { known[p]! }
    /// Records a new stored rule so that its label can be found.
    func remember(_ e: StoredEntry) -> StoredEntry {
        known[UnsafeRawPointer(e.bytes)] = e
        return e
    }
    /// Hands the working copy back to the store.
    func commitState() { store.store(state, family: family, table: table) }

    // MARK: - Failing as libiptc does

    private func fail(_ op: Operation, _ err: Int32) -> IPTablesError {
        lastOperation = op
        return IPTablesError.kernel(errno: err)
    }

    /// The rules of an existing chain, or ENOENT.
    private func existing(_ chain: String, _ op: Operation) throws -> [StoredEntry] {
        guard let list = state.rules[chain] else { throw fail(op, ENOENT) }
        return list
    }

    func message(for err: Int32) -> String {
        switch (lastOperation, err) {
        // As iptables-legacy 1.8.9 prints them: libiptc words an errno by the last call it
        // made, and some operations make other calls before they fail (delete and rename
        // of a chain then show the plain strerror text).
        case (.createChain, EEXIST): return "Chain already exists"
        case (.insert, E2BIG): return "Index of insertion too big"
        case (.replace, E2BIG): return "Index of replacement too big"
        case (.deleteNumber, E2BIG): return "Index of deletion too big"
        case (.zeroCounter, E2BIG): return "Index of counter too big"
        case (.insert, EINVAL): return "Target problem"
        case (.deleteEntry, ENOENT), (.check, ENOENT): return "Bad rule (does a matching rule exist in that chain?)"
        case (.setPolicy, ENOENT): return "Bad built-in chain name"
        case (.setPolicy, EINVAL): return "Bad policy name"
        case (_, ENOENT): return "No chain/target/match by that name"
        case (_, ENOMEM): return "Memory allocation problem"
        default: return String(cString: strerror(err))
        }
    }

    // MARK: - Rules

    /// A copy of an entry as libiptc keeps it: verdicts and jumps under the standard
    /// target's blank name, labelled; a jump to a built-in chain is EINVAL.
    private func stored(_ e: UnsafeRawPointer, _ op: Operation) throws -> StoredEntry {
        let name = String(cString: shim_target_name(shim_entry_target(family.nfproto, e)))
        let isVerdict = ["ACCEPT", "DROP", "QUEUE", "RETURN"].contains(name)
        if !isVerdict && !name.isEmpty && isBuiltin(name) { throw fail(op, EINVAL) }
        let isJump = !isVerdict && !name.isEmpty && isChain(name)
        let entry = StoredEntry(copying: e, family: family, label: name, isJump: isJump)
        if isVerdict || isJump { shim_entry_clear_target_name(family.nfproto, entry.bytes) }
        known[UnsafeRawPointer(entry.bytes)] = entry
        return entry
    }

    func append(_ chain: String, _ e: UnsafeRawPointer) throws {
        _ = try existing(chain, .append)
        state.rules[chain]!.append(try stored(e, .append))
    }

    func insert(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws {
        let list = try existing(chain, .insert)
        if Int(index) > list.count { throw fail(.insert, E2BIG) }
        state.rules[chain]!.insert(try stored(e, .insert), at: Int(index))
    }

    func replace(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws {
        let list = try existing(chain, .replace)
        if Int(index) >= list.count { throw fail(.replace, E2BIG) }
        state.rules[chain]![Int(index)] = try stored(e, .replace)
    }

    /// The first rule that is the same as `e` under the mask, or ENOENT.
    private func find(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>,
                      _ op: Operation) throws -> Int {
        let list = try existing(chain, op)
        let probe = try stored(e, op)
        for (i, r) in list.enumerated()
            where strcmp(r.label, probe.label) == 0 && shim_entry_same(family.nfproto, r.bytes, probe.bytes, mask) {
            return i
        }
        throw fail(op, ENOENT)
    }

    func delete(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        state.rules[chain]!.remove(at: try find(chain, e, mask: mask, .deleteEntry))
    }

    func check(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        _ = try find(chain, e, mask: mask, .check)
    }

    func deleteRule(_ chain: String, at index: UInt32) throws {
        let list = try existing(chain, .deleteNumber)
        if Int(index) >= list.count { throw fail(.deleteNumber, E2BIG) }
        state.rules[chain]!.remove(at: Int(index))
    }

    func flush(_ chain: String) throws {
        _ = try existing(chain, .other)
        state.rules[chain] = []
    }

    /// A copy of a rule with other counters.
    private func recounted(_ r: StoredEntry, packets: UInt64 = 0, bytes: UInt64 = 0) -> StoredEntry {
        let copy = StoredEntry(copying: r.bytes, family: family, label: String(cString: r.label), isJump: r.isJump)
        shim_entry_set_counters(family.nfproto, copy.bytes, packets, bytes)
        known[UnsafeRawPointer(copy.bytes)] = copy
        return copy
    }

    func zero(_ chain: String) throws {
        let list = try existing(chain, .other)
        state.rules[chain] = list.map { recounted($0) }
        if var p = state.policies[chain] {
            p.packets = 0
            p.bytes = 0
            state.policies[chain] = p
        }
    }

    func zeroRule(_ chain: String, number: UInt32) throws {
        let list = try existing(chain, .zeroCounter)
        guard number >= 1, Int(number) <= list.count else { throw fail(.zeroCounter, E2BIG) }
        state.rules[chain]![Int(number) - 1] = recounted(list[Int(number) - 1])
    }
}
