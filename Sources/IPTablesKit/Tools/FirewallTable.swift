/// One open table of a `Firewall`: read its chains and rules as values, change them with
/// iptables' own words or with `Rule` values, then `commit()` (nothing reaches the kernel
/// before). Errors are `IPTablesError`s with libiptc's text.
public final class FirewallTable {
    /// The table's name ("filter", "nat", …).
    public var name: String { session.table }
    private let firewall: Firewall
    private let session: TableSession
    private var lock: XtablesLock?

    init(firewall: Firewall, session: TableSession, lock: XtablesLock?) {
        self.firewall = firewall
        self.session = session
        self.lock = lock
    }

    private var context: XtablesContext { firewall.context }

    /// The chains: built-ins in hook order, then user chains sorted.
    public var chains: [String] { session.chains() }

    /// A built-in chain's policy; nil for a user chain.
    public func policy(of chain: String) -> Policy? { session.policy(of: chain) }

    /// The rules of a chain, decoded.
    public func rules(in chain: String) throws -> [Rule] {
        guard session.isChain(chain) else { throw IPTablesError.kernel(errno: 2).described(by: session) }
        return try firewall.withOutput {
            let decoder = RuleDecoder(context: context, session: session)
            return try session.rules(of: chain).map { try decoder.decode($0, chain: chain) }
        }.0
    }

    /// The table as values.
    public func values() throws -> TableRules {
        TableRules(name: name, chains: try chains.map {
            ChainRules(name: $0, policy: session.isBuiltin($0) ? session.policy(of: $0) : nil, rules: try rules(in: $0))
        })
    }

    /// Runs any iptables command on this table, given as its words after the program name
    /// (`["-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"]`, `["-L", "-n"]`);
    /// returns what it printed. Not committed until `commit()`.
    @discardableResult
    public func run(_ words: [String]) throws -> String {
        try firewall.withOutput {
            let parser = RuleParser(context: context, arguments: [context.programName, "-t", name] + words, restore: false)
            guard case .run(let command) = try parser.parse() else { return }
            defer { command.release() }
            guard command.table == name else {
                throw IPTablesError.parameter("this table is `\(name)', the command names `\(command.table)'")
            }
            do {
                try CommandRunner(command: command, session: session, context: context).run()
            } catch let e as IPTablesError {
                throw e.described(by: session)
            }
        }.1
    }

    /// Appends a rule given by its specification (the words after `-A CHAIN`).
    public func append(_ specification: [String], to chain: String) throws {
        try run(["-A", chain] + specification)
    }

    /// Inserts a rule at a position (1 = first).
    public func insert(_ specification: [String], into chain: String, at position: Int = 1) throws {
        try run(["-I", chain, String(position)] + specification)
    }

    /// Replaces the rule at a position (1 = first).
    public func replace(_ specification: [String], in chain: String, at position: Int) throws {
        try run(["-R", chain, String(position)] + specification)
    }

    /// Deletes the first rule matching a specification.
    public func delete(_ specification: [String], from chain: String) throws {
        try run(["-D", chain] + specification)
    }

    /// Deletes the rule at a position (1 = first).
    public func delete(at position: Int, from chain: String) throws {
        try run(["-D", chain, String(position)])
    }

    /// Appends a rule value as it was decoded (its encoded entry, written back unchanged).
    public func append(_ rule: Rule, to chain: String) throws {
        try write(rule) { try session.append(chain, $0) }
    }

    /// Inserts a rule value at a position (1 = first).
    public func insert(_ rule: Rule, into chain: String, at position: Int = 1) throws {
        try write(rule) { try session.insert(chain, $0, at: UInt32(clamping: position - 1)) }
    }

    /// Replaces the rule at a position (1 = first) with a rule value.
    public func replace(_ rule: Rule, in chain: String, at position: Int) throws {
        try write(rule) { try session.replace(chain, $0, at: UInt32(clamping: position - 1)) }
    }

    /// Deletes the first rule of the chain that is the same as a rule value (the same
    /// save line: counters do not count), as `-D` with its specification would.
    public func delete(_ rule: Rule, from chain: String) throws {
        guard let i = try rules(in: chain).firstIndex(where: { $0.saveLine == rule.saveLine && $0.entry.count == rule.entry.count }) else {
            throw IPTablesError.kernel(errno: 2, message: "Bad rule (does a matching rule exist in that chain?)")
        }
        try delete(at: i + 1, from: chain)
    }

    /// One write of a rule value's entry.
    private func write(_ rule: Rule, _ body: (UnsafeRawPointer) throws -> Void) throws {
        try firewall.context.activate()
        do {
            try RuleEntryWriter.withEntry(rule, family: firewall.family, body)
        } catch let e as IPTablesError {
            throw e.described(by: session)
        }
    }

    /// Creates a user chain (-N).
    public func createChain(_ chain: String) throws { try run(["-N", chain]) }
    /// Deletes an empty, unreferenced user chain (-X).
    public func deleteChain(_ chain: String) throws { try run(["-X", chain]) }
    /// Renames a user chain (-E).
    public func renameChain(_ chain: String, to newName: String) throws { try run(["-E", chain, newName]) }
    /// Deletes every rule of a chain, or of every chain (-F).
    public func flush(_ chain: String? = nil) throws { try run(["-F"] + (chain.map { [$0] } ?? [])) }
    /// Sets a built-in chain's policy (-P).
    public func setPolicy(_ policy: String, of chain: String) throws { try run(["-P", chain, policy]) }

    /// Makes this table hold exactly the given chains and rules (policies included).
    func load(_ values: TableRules) throws {
        try flush()
        for c in chains where !session.isBuiltin(c) { try deleteChain(c) }
        for c in values.chains where c.policy == nil { try createChain(c.name) }
        for c in values.chains {
            if let p = c.policy {
                do {
                    try session.setPolicy(c.name, p.name, counters: (p.packets, p.bytes))
                } catch let e as IPTablesError {
                    throw e.described(by: session)
                }
            }
            for r in c.rules { try append(r, to: c.name) }
        }
    }

    /// The table in iptables-save's format.
    public func saveText(counters: Bool = false, clock: () -> String = SaveTool.now) throws -> String {
        try firewall.withOutput {
            try SaveFormat.write(table: name, session: session, context: context, programName: firewall.family.toolName + "-save",
                                 counters: counters, clock: clock)
        }.1
    }

    /// Sends the table to the kernel (or the memory store) and gives the lock back (kept
    /// when the commit fails: the table may be changed and committed again).
    public func commit() throws {
        do { try session.commit() } catch let e as IPTablesError { throw e.described(by: session) }
        lock?.release()
        lock = nil
    }
}
