import CXtables
import Glibc

/// One rule of a memory table: its encoded entry (the target's name blanked for
/// verdicts and jumps, as libiptc stores them) and libiptc's label for its target.
/// Immutable: a change makes a new one, so table states can share them.
final class StoredEntry {
    let bytes: UnsafeMutableRawPointer
    let label: UnsafeMutablePointer<CChar>
    /// Whether the label names a user chain the rule jumps to.
    let isJump: Bool

    init(copying entry: UnsafeRawPointer, family: Family, label: String, isJump: Bool) {
        let size = shim_entry_size(family.nfproto, entry)
        bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        bytes.copyMemory(from: entry, byteCount: size)
        self.label = strdup(label)
        self.isJump = isJump
    }

    deinit {
        bytes.deallocate()
        free(label)
    }
}

/// The chains, policies and rules of one table in memory (a value: copies share rules).
struct MemoryTableState {
    var builtins: [String]
    var policies: [String: Policy] = [:]
    /// User chains in libiptc's order (sorted by their bytes).
    var userChains: [String] = []
    var rules: [String: [StoredEntry]] = [:]

    /// A new table's state: its built-in chains with ACCEPT policies, no rules.
    init(builtins: [String]) {
        self.builtins = builtins
        for b in builtins {
            policies[b] = Policy(name: "ACCEPT")
            rules[b] = []
        }
    }
}

/// The tables of each family in memory: what `iptables` and restore change when they
/// run without the kernel (tests, check modes). Built-in chains and their hooks are the
/// kernel's; errors are libiptc's, with its errno and words.
public final class MemoryTables: TableProvider {
    private var states: [Family: [String: MemoryTableState]] = [:]
    /// Tables, the one opened first last (the kernel lists them so).
    private var order: [Family: [String]] = [:]

    /// No tables yet; each comes into being when first opened, as in the kernel.
    public init() {}

    func open(family: Family, table: String) throws -> TableSession {
        guard let builtins = BuiltinChains.byTable[table] else {
            throw IPTablesError.kernel(errno: ENOENT, message: "Table does not exist (do you need to insmod?)")
        }
        if states[family, default: [:]][table] == nil {
            states[family, default: [:]][table] = MemoryTableState(builtins: builtins)
            order[family, default: []].insert(table, at: 0)
        }
        return MemoryTable(family: family, table: table, state: states[family]![table]!, store: self)
    }

    func loadedTables(family: Family) throws -> [String] { order[family] ?? [] }

    var needsLock: Bool { false }

    /// Keeps a committed table.
    func store(_ state: MemoryTableState, family: Family, table: String) {
        states[family, default: [:]][table] = state
    }
}
