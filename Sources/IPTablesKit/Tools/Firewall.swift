/// The library's entry point: one family's rules, on the kernel's tables or on tables in
/// memory, with no process exit and no printing: failures throw `IPTablesError`.
///
/// A program may hold a `Firewall` of each family; libxtables serves one family at a time,
/// so each call first makes its family the active one (switching reloads the extension
/// plugins). All of it is single-threaded: use one thread for every Firewall.
public final class Firewall {
    /// The family this firewall works on.
    public let family: Family
    let context: XtablesContext
    let tables: TableProvider
    /// What printers write while a call runs.
    private let output = TextSink()
    /// Where warnings and notices go.
    private let notices: TextSink

    /// The warnings and notices iptables would have printed on stderr so far ("Warning:
    /// using chain …", "Notice: the … match is converted …").
    public var diagnostics: String { notices.text }

    /// A firewall on the kernel's tables (root, or a user and network namespace).
    public convenience init(family: Family) throws {
        try self.init(family: family, tables: KernelTables())
    }

    /// A firewall on tables in memory: nothing touches the kernel, no root is needed.
    public convenience init(family: Family, memory: MemoryTables) throws {
        try self.init(family: family, tables: memory)
    }

    init(family: Family, tables: TableProvider) throws {
        self.family = family
        self.tables = tables
        let notices = TextSink()
        self.notices = notices
        context = try XtablesContext(family: family, programName: family.toolName,
                                     output: TextSink(), diagnostics: notices)
    }

    /// Runs a body with this family active and the printers writing into a fresh sink;
    /// returns the body's value and what it printed.
    func withOutput<T>(as program: String? = nil, _ body: () throws -> T) throws -> (T, String) {
        try context.activate()
        let sink = TextSink()
        context.output = sink
        context.programName = program ?? family.toolName
        defer {
            context.output = output
            context.programName = family.toolName
        }
        let value = try body()
        return (value, sink.text)
    }

    /// Opens a table for reading and changing; with the kernel's tables the xtables lock
    /// is held until `commit()` or until the table is gone (tables open at once in one
    /// program share it). `wait`: seconds to wait for the lock (at least 1), nil to wait
    /// as long as it takes.
    public func open(_ table: String = "filter", wait: Int? = nil) throws -> FirewallTable {
        try context.activate()
        let lock = tables.needsLock ? try XtablesLock(wait: wait.map { Int32(clamping: max($0, 1)) } ?? -1) : nil
        do {
            return FirewallTable(firewall: self, session: try tables.open(family: family, table: table), lock: lock)
        } catch let e as IPTablesError where e.kind == .kernel {
            throw IPTablesError(.version, "can't initialize \(family.toolName) table `\(table)': \(e.message)")
        }
    }

    /// The tables that exist now (what iptables-save lists).
    public func tableNames() throws -> [String] { try tables.loadedTables(family: family) }

    /// Every table (or one) in iptables-save's format; `clock` gives the header lines'
    /// date text (ctime's form, with its newline).
    public func saveText(table: String? = nil, counters: Bool = false,
                         clock: () -> String = SaveTool.now) throws -> String {
        var args = [family.toolName + "-save"]
        if let t = table { args += ["-t", t] }
        if counters { args.append("-c") }
        return try withOutput(as: args[0]) {
            try SaveTool.run(args, context: context, tables: tables, clock: clock)
        }.1
    }

    /// Applies a file in iptables-restore's format, as iptables-restore does: each table
    /// committed at its COMMIT, the first error ends the run (with its line).
    public func restore(_ text: String, noflush: Bool = false, counters: Bool = false) throws {
        var args = [family.toolName + "-restore"]
        if noflush { args.append("--noflush") }
        if counters { args.append("--counters") }
        var renderer = ErrorRenderer(programName: args[0], version: XtablesVersion.string)
        _ = try withOutput(as: args[0]) {
            try RestoreTool.run(args, context: context, tables: tables, renderer: &renderer, input: text)
        }
    }

    /// Parses a file in iptables-restore's format into values, without touching any table
    /// of this firewall: it is restored into tables in memory and read back.
    public func parseRestore(_ text: String, counters: Bool = true) throws -> Ruleset {
        let scratch = try Firewall(family: family, tables: MemoryTables())
        try scratch.restore(text, counters: counters)
        return try scratch.ruleset()
    }

    /// Every table of this firewall as values.
    public func ruleset() throws -> Ruleset {
        var out: [TableRules] = []
        for name in try tableNames() {
            let table = try open(name)
            out.append(try table.values())
        }
        return Ruleset(family: family, tables: out)
    }

    /// Every table (or the one named) as values, read as iptables-save reads them: straight
    /// from the kernel, without the xtables lock. A table that cannot be read throws as
    /// iptables-save reports it.
    public func snapshot(table: String? = nil) throws -> Ruleset {
        try context.activate()
        var out: [TableRules] = []
        for name in try table.map({ [$0] }) ?? tableNames() {
            let session: TableSession
            do {
                session = try tables.openForReading(family: family, table: name)
            } catch let e as IPTablesError where e.kind == .kernel {
                throw IPTablesError(.other, "Cannot initialize: \(e.message)")
            }
            out.append(try FirewallTable(firewall: self, session: session, lock: nil).values())
        }
        return Ruleset(family: family, tables: out)
    }

    /// A ruleset in iptables-save's format (each rule as it was decoded).
    public func saveText(of ruleset: Ruleset, counters: Bool = false, clock: () -> String = SaveTool.now) throws -> String {
        let scratch = try Firewall(family: ruleset.family, tables: MemoryTables())
        for t in ruleset.tables.reversed() {
            let table = try scratch.open(t.name)
            try table.load(t)
            try table.commit()
        }
        return try scratch.saveText(counters: counters, clock: clock)
    }
}
