/// `iptables` / `ip6tables`: parse, lock, open the table, run, commit, report.
public enum IPTablesTool {
    /// The whole tool: argv to exit status, output on stdout and stderr.
    public static func main(family: Family, arguments: [String]) -> Int32 {
        CArgv.withWords(arguments) { main(family: family, words: $0) }
    }

    /// The whole tool on the process's own command line.
    public static func main(family: Family, words: CommandWords) -> Int32 {
        ToolRun.run(family: family, programName: family.toolName, words: words) { context, _ in
            try run(CArgv(words), context: context, tables: KernelTables())
        }
    }

    /// One command line on a context and a table provider (the kernel's, or memory).
    static func run(_ arguments: [String], context: XtablesContext, tables: TableProvider) throws -> Int32 {
        try run(CArgv(arguments), context: context, tables: tables)
    }

    /// One command line, as a C argv, on a context and a table provider.
    static func run(_ argv: CArgv, context: XtablesContext, tables: TableProvider) throws -> Int32 {
        let parser = RuleParser(context: context, argv: argv, restore: false)
        guard case .run(let command) = try parser.parse() else { return 0 }
        defer { command.release() }
        let lock = tables.needsLock ? try XtablesLock(wait: command.wait) : nil
        defer { lock?.release() }
        let session = try open(tables, context: context, table: command.table, readOnly: readsOnly(command))
        session.freesHandle = !context.endsWithProcess  // a tool ends right after this command
        do {
            try CommandRunner(command: command, session: session, context: context).run()
            try session.commit()
        } catch let e as IPTablesError {
            throw e.described(by: session)
        }
        return 0
    }

    /// Whether a command only reads its table: -L, -S or -C alone (no -Z, no -vv dump).
    private static func readsOnly(_ command: ParsedCommand) -> Bool {
        (command.commands == .list || command.commands == .listRules || command.commands == .check) && command.verbose <= 1
    }

    /// Opens the table or fails as iptables does (exit 3).
    private static func open(_ tables: TableProvider, context: XtablesContext, table: String,
                             readOnly: Bool) throws -> TableSession {
        do {
            if readOnly { return try tables.openForReading(family: context.family, table: table) }
            return try tables.open(family: context.family, table: table)
        } catch let e as IPTablesError where e.kind == .kernel {
            throw IPTablesError(.version, "can't initialize \(context.family.toolName) table `\(table)': \(e.message)")
        }
    }
}
