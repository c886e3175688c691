import CXtables
import Glibc

/// `iptables-restore` / `ip6tables-restore`: reads a dump, builds each table block in one
/// libiptc handle and commits it at COMMIT; stops at the first error, committing nothing
/// of the block in hand.
public enum RestoreTool {
    /// The long options (name, has_arg, val) this tool accepts.
    static let optionList: [(String, Int32, Int32)] = [
        ("counters", 0, 0x63), ("verbose", 0, 0x76), ("version", 0, 0x56), ("test", 0, 0x74),
        ("help", 0, 0x68), ("noflush", 0, 0x6E), ("modprobe", 1, 0x4D), ("table", 1, 0x54),
        ("wait", 2, 0x77), ("wait-interval", 2, 0x57),
    ]
    private static let options = BaseOptions.cTable(optionList)

    /// Options of one run.
    struct Settings {
        var counters = false, verbose = 0, noflush = false, testing = false
        var wait: Int32 = 0
        var onlyTable: String?
        var input: UnsafeMutablePointer<FILE>?
    }

    public static func main(family: Family, arguments: [String]) -> Int32 {
        let name = family.toolName + "-restore"
        return Runtime.run(family: family, programName: name) { renderer in
            // Restore counts lines from 0 before it reads any, so even an option error names one.
            renderer.line = 0
            let settings = try parseOptions(name: name, arguments: arguments)
            let restore = Restore(family: family, name: name, argv0: arguments.first ?? name, settings: settings)
            do {
                try restore.run()
            } catch let e as ToolError {
                renderer.line = restore.lineNumber
                throw e
            }
            return 0
        }
    }

    private static func parseOptions(name: String, arguments: [String]) throws -> Settings {
        let argv = CArgv(arguments)
        var s = Settings()
        var intervalSet = false
        optind = 0
        while true {
            let c = getopt_long(argv.count, argv.pointer, "bcvVthnwWM:T:", options, nil)
            if c == -1 { break }
            switch UnicodeScalar(UInt8(truncatingIfNeeded: c)) {
            case "b": Out.error("-b/--binary option is not implemented\n")
            case "c": s.counters = true
            case "v": s.verbose += 1
            case "V": Out.write("\(name) v\(Version.string)\n"); throw ToolStop(status: 0)
            case "t": s.testing = true
            case "h": Out.error(usage(name)); throw ToolStop(status: 0)
            case "n": s.noflush = true
            case "w": s.wait = try WaitOptions.seconds(argv)
            case "W": try WaitOptions.interval(argv); intervalSet = true
            case "M": xtables_modprobe_program = UnsafePointer(strdup(optarg))
            case "T": s.onlyTable = String(cString: optarg)
            default: throw ToolError(.other, "Try `\(name) -h' for more information.\n", style: .plain)
            }
        }
        if optind == argv.count - 1 {
            let path = argv[optind]
            guard let f = fopen(path, "re") else {
                throw ToolError(.other, "Can't open \(path): \(String(cString: strerror(errno)))\n", style: .plain)
            }
            s.input = f
        } else if optind < argv.count {
            throw ToolError(.other, "Unknown arguments found on commandline\n", style: .plain)
        } else {
            s.input = stdin
        }
        if intervalSet && s.wait == 0 {
            throw ToolError(.other, "Option --wait-interval requires option --wait\n", style: .plain)
        }
        return s
    }

    private static func usage(_ name: String) -> String {
        "Usage: \(name) [-c] [-v] [-V] [-t] [-h] [-n] [-w secs] [-W usecs] [-T table] [-M command] [file]\n"
            + "\t   [ --counters ]\n\t   [ --verbose ]\n\t   [ --version]\n\t   [ --test ]\n"
            + "\t   [ --help ]\n\t   [ --noflush ]\n\t   [ --wait=<seconds>\n"
            + "\t   [ --table=<TABLE> ]\n\t   [ --modprobe=<command> ]\n"
    }
}
