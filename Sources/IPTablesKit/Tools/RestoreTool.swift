import Glibc

/// `iptables-restore` / `ip6tables-restore`: reads a dump, builds each table block in one
/// libiptc handle and commits it at COMMIT; stops at the first error, committing nothing
/// of the block in hand.
public enum RestoreTool {
    /// The options this tool accepts.
    static let options = LongOptions("bcvVthnwWM:T:", capacity: 10) {
        $0.add("counters", 0, "c"); $0.add("verbose", 0, "v"); $0.add("version", 0, "V")
        $0.add("test", 0, "t"); $0.add("help", 0, "h"); $0.add("noflush", 0, "n")
        $0.add("modprobe", 1, "M"); $0.add("table", 1, "T"); $0.add("wait", 2, "w")
        $0.add("wait-interval", 2, "W")
    }

    /// Options of one run.
    struct Settings {
        var counters = false, verbose = 0, noflush = false, testing = false
        var wait: Int32 = 0
        var onlyTable: String?
        var input: UnsafeMutablePointer<FILE>?
    }

    /// What the options asked for: a restore, or a request already answered (-V, -h).
    enum Request { case restore(Settings), answered }

    /// The whole tool: argv to exit status, input from a file or stdin.
    public static func main(family: Family, arguments: [String]) -> Int32 {
        CArgv.withWords(arguments) { main(family: family, words: $0) }
    }

    /// The whole tool on the process's own command line.
    public static func main(family: Family, words: CommandWords) -> Int32 {
        ToolRun.run(family: family, programName: family.toolName + "-restore") { context, renderer in
            try run(CArgv(words), context: context, tables: KernelTables(), renderer: &renderer)
        }
    }

    /// One run on a context and a table provider; the renderer learns the failing line.
    /// `input`, when given, is read instead of standard input.
    static func run(_ arguments: [String], context: XtablesContext, tables: TableProvider,
                    renderer: inout ErrorRenderer, input: String? = nil) throws -> Int32 {
        try run(CArgv(arguments), context: context, tables: tables, renderer: &renderer, input: input)
    }

    /// The same, on a C argv.
    static func run(_ argv: CArgv, context: XtablesContext, tables: TableProvider,
                    renderer: inout ErrorRenderer, input: String? = nil) throws -> Int32 {
        // Restore counts lines from 0 before it reads any, so even an option error names one.
        renderer.line = 0
        guard case .restore(var settings) = try parseOptions(argv, context: context) else { return 0 }
        let text = input.map { strdup($0)! }
        defer { free(text) }
        if let t = text, settings.input == stdin {
            settings.input = strlen(t) == 0 ? fopen("/dev/null", "re") : fmemopen(t, strlen(t), "r")
        }
        let restore = Restore(context: context, tables: tables, argv0: argv.count > 0 ? argv[0] : context.programName,
                              settings: settings)
        do {
            try restore.run()
        } catch is RestoreEnded {
            return 0
        } catch let e as IPTablesError {
            let located = e.located(line: restore.lineNumber)
            renderer.line = located.location?.line
            if TerminalDiagnostic.wanted { renderer.located = TerminalDiagnostic.restore(located, restore, file: restoreFile(argv)) }
            throw located
        }
        return 0
    }

    /// The file a restore reads, as named on its command line ("-" for standard input).
    private static func restoreFile(_ argv: CArgv) -> String {
        if argv.count > 1, case let last = argv[argv.count - 1], !last.hasPrefix("-") { return last }
        return "-"
    }

    private static func parseOptions(_ argv: CArgv, context: XtablesContext) throws -> Request {
        let name = context.programName
        let scanner = OptionScanner(argv: argv, quiet: false)
        var s = Settings()
        var intervalSet = false
        while let c = scanner.next(options) {
            switch UnicodeScalar(UInt8(truncatingIfNeeded: c)) {
            case "b": context.warn("-b/--binary option is not implemented\n")
            case "c": s.counters = true
            case "v": s.verbose += 1
            case "V": context.output.write("\(name) v\(XtablesVersion.string)\n"); return .answered
            case "t": s.testing = true
            case "h": context.warn(usage(name)); return .answered
            case "n": s.noflush = true
            case "w": s.wait = try WaitOptions.seconds(scanner)
            case "W": try WaitOptions.interval(scanner, context: context); intervalSet = true
            case "M": XtablesProcess.setModprobe(scanner.argument)
            case "T": s.onlyTable = scanner.argument
            default: throw IPTablesError(.other, "Try `\(name) -h' for more information.\n", style: .plain)
            }
        }
        s.input = try input(scanner)
        if intervalSet && s.wait == 0 {
            throw IPTablesError(.other, "Option --wait-interval requires option --wait\n", style: .plain)
        }
        return .restore(s)
    }

    /// The file named by the one remaining word, or stdin.
    private static func input(_ scanner: OptionScanner) throws -> UnsafeMutablePointer<FILE> {
        if scanner.index == scanner.count - 1 {
            let path = scanner.word(scanner.index)
            guard let f = fopen(path, "re") else {
                throw IPTablesError(.other, "Can't open \(path): \(String(cString: strerror(errno)))\n", style: .plain)
            }
            return f
        }
        if scanner.index < scanner.count {
            throw IPTablesError(.other, "Unknown arguments found on commandline\n", style: .plain)
        }
        return stdin
    }

    private static func usage(_ name: String) -> String {
        "Usage: \(name) [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] [-W usecs] [-T table] [-M command] [file]\n"
            + "\t   [ --counters ]\n\t   [ --verbose ]\n\t   [ --version]\n\t   [ --test ]\n"
            + "\t   [ --help ]\n\t   [ --noflush ]\n\t   [ --wait=<seconds>\n"
            + "\t   [ --table=<TABLE> ]\n\t   [ --modprobe=<command> ]\n"
    }
}
