import Glibc

/// `iptables-save` / `ip6tables-save`: every table the kernel has loaded (or one),
/// in iptables-restore format.
public enum SaveTool {
    /// The options this tool accepts.
    static let options = LongOptions("bcdt:M:f:V", capacity: 6) {
        $0.add("counters", 0, "c"); $0.add("dump", 0, "d"); $0.add("table", 1, "t")
        $0.add("modprobe", 1, "M"); $0.add("file", 1, "f"); $0.add("version", 0, "V")
    }

    /// The whole tool: argv to exit status, output on stdout and stderr.
    public static func main(family: Family, arguments: [String]) -> Int32 {
        CArgv.withWords(arguments) { main(family: family, words: $0) }
    }

    /// The whole tool on the process's own command line.
    public static func main(family: Family, words: CommandWords) -> Int32 {
        ToolRun.run(family: family, programName: family.toolName + "-save") { context, _ in
            try run(CArgv(words), context: context, tables: KernelTables(), clock: SaveTool.now, warnsOfNft: true)
        }
    }

    /// One run on a context and a table provider, with the clock of the header lines.
    /// `warnsOfNft`: after the tables, warn as iptables-nft-save warns of legacy tables
    /// when iptables-nft holds tables of the family (the tools only).
    static func run(_ arguments: [String], context: XtablesContext, tables: TableProvider,
                    clock: () -> String, warnsOfNft: Bool = false) throws -> Int32 {
        try run(CArgv(arguments), context: context, tables: tables, clock: clock, warnsOfNft: warnsOfNft)
    }

    /// The same, on a C argv.
    static func run(_ argv: CArgv, context: XtablesContext, tables: TableProvider,
                    clock: () -> String, warnsOfNft: Bool = false) throws -> Int32 {
        let name = context.programName
        let scanner = OptionScanner(argv: argv, quiet: false)
        var table: String?
        var counters = false
        while let c = scanner.next(options) {
            switch UnicodeScalar(UInt8(truncatingIfNeeded: c)) {
            case "b": context.warn("-b/--binary option is not implemented\n")
            case "c": counters = true
            case "t": table = scanner.argument
            case "M": XtablesProcess.setModprobe(scanner.argument)
            case "f": try redirectStdout(to: scanner.argument, context: context)
            case "d":
                try dump(context: context, tables: tables, table: table, counters: counters, clock: clock)
                if warnsOfNft { warnOfNftTables(context) }
                return 0
            case "V":
                context.output.write("\(name) v\(XtablesVersion.string)\n")
                return 0
            default:
                throw IPTablesError(.other, "Look at manual page `\(name).8' for more information.\n", style: .plain)
            }
        }
        if scanner.index < scanner.count {
            throw IPTablesError(.other, "Unknown arguments found on commandline\n", style: .plain)
        }
        try dump(context: context, tables: tables, table: table, counters: counters, clock: clock)
        if warnsOfNft { warnOfNftTables(context) }
        return 0
    }

    /// Once, after everything was written (stdout flushed first, so a merged stream reads
    /// in order): iptables-nft tables of the family are present.
    private static func warnOfNftTables(_ context: XtablesContext) {
        guard let text = NftablesBackend.presenceWarning(context.family, save: true) else { return }
        context.output.flush()
        context.warn(text)
    }

    private static func redirectStdout(to path: String, context: XtablesContext) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
        if fd < 0 {
            throw IPTablesError(.other, "Failed to open file, error: \(String(cString: strerror(errno)))\n", style: .plain)
        }
        context.output.flush()
        if dup2(fd, STDOUT_FILENO) == -1 {
            throw IPTablesError(.other, "Failed to redirect stdout, error: \(String(cString: strerror(errno)))\n", style: .plain)
        }
        close(fd)
    }

    /// One table, or every table the provider lists, in the kernel's order.
    private static func dump(context: XtablesContext, tables: TableProvider, table: String?,
                             counters: Bool, clock: () -> String) throws {
        let names = try table.map { [$0] } ?? tables.loadedTables(family: context.family)
        for (i, t) in names.enumerated() {
            let session: TableSession
            do {
                session = try tables.openForReading(family: context.family, table: t)
            } catch let e as IPTablesError where e.kind == .kernel {
                throw IPTablesError(.other, "Cannot initialize: \(e.message)")
            }
            // In a tool nothing runs after the last table but the exit.
            session.freesHandle = !context.endsWithProcess || i != names.count - 1
            try SaveFormat.write(table: t, session: session, context: context, programName: context.programName,
                                 counters: counters, clock: clock)
        }
    }

    /// The tables of a provider as iptables-save text (with counters when asked), for the
    /// iptables-swift subcommands that read the live tables or tables in memory. The
    /// header's clock is left empty: nothing compares it.
    static func text(context: XtablesContext, tables: TableProvider, counters: Bool = false) throws -> [UInt8] {
        let sink = TextSink()
        let saved = context.output
        context.output = sink
        defer { context.output = saved }
        _ = try run([context.family.toolName + "-save"] + (counters ? ["-c"] : []), context: context, tables: tables,
                    clock: { "-\n" })
        return sink.bytes
    }

    /// ctime(3) of the current time, with its newline: the clock of the save header lines.
    public static func now() -> String {
        var t = time(nil)
        var buf = [CChar](repeating: 0, count: 64)
        return ctime_r(&t, &buf).map { String(cString: $0) } ?? "\n"
    }
}
