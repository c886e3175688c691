import CXtables
import XCTest
@testable import IPTablesKit

/// shim_getopt_rule (exact long options through a hash index, short options alone in their
/// word read directly) against getopt_long itself:
/// the same codes, optind and optarg at every step of every scan.
final class OptionScannerTests: XCTestCase {
    /// Every step of one scan: (code, optind, optarg, optopt).
    private typealias Step = (code: Int32, index: Int32, argument: String?, unknown: Int32)

    private func scan(_ words: [String], fast: Bool) -> [Step] {
        let argv = CArgv(["iptables"] + words)
        optind = 0
        opterr = 0
        var steps: [Step] = []
        while steps.count < 64 {
            let c = fast ? shim_getopt_rule(argv.count, argv.pointer, BaseOptions.ruleOptstring)
                : getopt_long(argv.count, argv.pointer, BaseOptions.ruleOptstring, shim_options(), nil)
            steps.append((c, optind, optarg.map { String(cString: $0) }, optopt))
            if c == -1 { break }
        }
        return steps
    }

    func testSameStepsAsGetoptLong() throws {
        let context = try XtablesContext(family: .ipv4, programName: "iptables", output: TextSink(), diagnostics: TextSink())
        try context.activate()
        let lines: [[String]] = [
            ["--append", "INPUT", "--source", "1.2.3.4", "--jump", "ACCEPT"],
            ["--app", "INPUT", "--src=1.2.3.4", "--numeric", "--verbose"],
            ["-A", "INPUT", "-nv", "--line-numbers", "--wait", "--list", "X"],
            ["--list-rules", "--list", "--li", "--exact", "--x"],
            ["--table", "nat", "--table"],
            ["--bogus", "--", "--jump", "x"],
            ["--fragments", "-nvx", "--set-counters", "1", "2", "tail"],
            ["--in-interface", "eth0", "--out-interface"],
            ["-q", "--verbose", "-nq", "--numeric=1", "--source"],
            // Short options alone in their word (the fast path), around everything else.
            ["-A", "INPUT", "-s", "1.2.3.4", "-p", "tcp", "-m", "tcp", "--dport", "80", "-j", "ACCEPT"],
            ["-L", "-n", "-v", "-x", "-L", "X", "-Z", "-h", "-W", "-w", "5", "-4", "-6"],
            ["-A"], ["-n", "-s"], ["-:", "-;", "-q", "-nvL", "-sfoo", "-s", "-", "--", "-A", "x"],
            ["!", "-s", "x", "-P", "INPUT", "-c", "1", "2", "-i", "!", "-o"],
            ["-", "-A", "x", "word", "-j", "-j", "--", "-n"],
            // Empty words (a fuzzer's find: the short-option path read past their end).
            ["", "-n", "", "-A", "", "x", ""], [""],
        ]
        for words in lines {
            let slow = scan(words, fast: false), fast = scan(words, fast: true)
            XCTAssertEqual(slow.map(\.code), fast.map(\.code), "\(words)")
            XCTAssertEqual(slow.map(\.index), fast.map(\.index), "\(words)")
            XCTAssertEqual(slow.map(\.argument), fast.map(\.argument), "\(words)")
            // optopt means something after an error only (getopt copies its own stale copy
            // out on every call; the fast path leaves the global as the last call did).
            let errors = { (steps: [Step]) in steps.filter { $0.code == 0x3F || $0.code == 0x3A }.map(\.unknown) }
            XCTAssertEqual(errors(slow), errors(fast), "\(words)")
        }
    }
}

/// The option tables built entry by entry (LongOptions): iptables' order, --fragments for
/// IPv4 only, and the tools' own tables.
final class LongOptionsTests: XCTestCase {
    func testBaseTablesOfBothFamilies() {
        let v4 = BaseOptions.options(for: .ipv4).names, v6 = BaseOptions.options(for: .ipv6).names
        XCTAssertEqual(v4.count, 37)
        XCTAssertEqual(v4.prefix(3), ["append", "delete", "check"])
        XCTAssertEqual(v4.last, "ipv6")
        XCTAssertEqual(v6, v4.filter { $0 != "fragments" })
        XCTAssertEqual(String(cString: BaseOptions.ipv4.shortOptions), "\(BaseOptions.optstring)")
    }

    func testToolTables() {
        XCTAssertEqual(SaveTool.options.names, ["counters", "dump", "table", "modprobe", "file", "version"])
        XCTAssertEqual(RestoreTool.options.names.count, 10)
        XCTAssertEqual(String(cString: RestoreTool.options.shortOptions), "bcvVthnwWM:T:")
        let t = RestoreTool.options.table
        XCTAssertEqual(t[7].val, Int32(UInt8(ascii: "T")))
        XCTAssertEqual(t[7].has_arg, 1)
        XCTAssertNil(t[10].name)
    }
}
