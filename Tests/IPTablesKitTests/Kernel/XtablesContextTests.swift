import XCTest
@testable import IPTablesKit

/// The context that owns libxtables for a family: output captured into its sink, and two
/// families taking turns in one process.
final class XtablesContextTests: XCTestCase {
    private func parse(_ context: XtablesContext, _ args: [String]) throws -> RuleParser.Outcome {
        try context.activate()
        return try RuleParser(context: context, arguments: [context.programName] + args, restore: false).parse()
    }

    /// Extension help printed with printf reaches the context's sink, not stdout.
    func testExtensionOutputIsCaptured() throws {
        let out = TextSink()
        let context = try XtablesContext(family: .ipv4, programName: "iptables", output: out, diagnostics: TextSink())
        guard case .finished = try parse(context, ["-p", "tcp", "-h"]) else { return XCTFail("help runs no command") }
        XCTAssertTrue(out.text.hasPrefix("iptables v\(XtablesVersion.string)\n\nUsage: iptables -[ACD] chain"))
        XCTAssertTrue(out.text.contains("tcp match options:"), out.text)
    }

    /// Family-specific plugins (icmp, icmp6) load again after every switch.
    func testFamiliesTakeTurns() throws {
        let v4 = try XtablesContext(family: .ipv4, programName: "iptables", output: TextSink(), diagnostics: TextSink())
        let v6 = try XtablesContext(family: .ipv6, programName: "ip6tables", output: TextSink(), diagnostics: TextSink())
        for _ in 0..<3 {
            guard case .run(let c4) = try parse(v4, ["-A", "INPUT", "-p", "icmp", "--icmp-type", "8"]) else { return XCTFail() }
            XCTAssertEqual(c4.rule.matchNames, ["icmp"])
            c4.release()
            guard case .run(let c6) = try parse(v6, ["-A", "INPUT", "-p", "ipv6-icmp", "--icmpv6-type", "128"]) else { return XCTFail() }
            XCTAssertEqual(c6.rule.matchNames, ["icmp6"])
            c6.release()
        }
        XCTAssertEqual(XtablesProcess.activeFamily, .ipv6)
    }

    func testMemoryTablesAreListedNewestFirst() throws {
        let tables = MemoryTables()
        _ = try tables.open(family: .ipv4, table: "raw")
        _ = try tables.open(family: .ipv4, table: "filter")
        XCTAssertEqual(try tables.loadedTables(family: .ipv4), ["filter", "raw"])
        XCTAssertEqual(try tables.loadedTables(family: .ipv6), [])
        XCTAssertThrowsError(try tables.open(family: .ipv4, table: "foo")) { error in
            XCTAssertEqual((error as? IPTablesError)?.message, "Table does not exist (do you need to insmod?)")
        }
    }
}
