import CXtables
import Glibc

/// -w/-W as iptables reads them (shared by the command line tools and restore).
enum WaitOptions {
    static func seconds(_ argv: CArgv) throws -> Int32 {
        var text: String?
        if optarg != nil { text = String(cString: optarg) } else if optind < argv.count {
            let first = argv.raw(optind)[0]
            if first != 0x2D && first != 0x21 { text = argv[optind]; optind += 1 }
        }
        guard let t = text else { return -1 }
        guard let v = CNumber.scanInt(t) else { throw ToolError.parameter("wait seconds not numeric") }
        return v
    }

    static func interval(_ argv: CArgv) throws {
        var text: String?
        if optarg != nil { text = String(cString: optarg) } else if optind < argv.count {
            let first = argv.raw(optind)[0]
            if first != 0x2D && first != 0x21 { text = argv[optind]; optind += 1 }
        }
        guard let t = text else { throw ToolError.parameter("wait interval value required") }
        guard let usec = CNumber.scanUnsigned(t).map({ UInt32(truncatingIfNeeded: $0) }) else {
            throw ToolError.parameter("wait interval not numeric")
        }
        if usec > 999_999 { throw ToolError.parameter("too long usec wait \(usec) > 999999 usec") }
        Out.error("Ignoring deprecated --wait-interval option.\n")
    }
}
