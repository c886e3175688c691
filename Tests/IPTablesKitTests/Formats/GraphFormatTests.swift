import XCTest
@testable import IPTablesKit

/// The chain graph on a ruleset in memory.
final class GraphFormatTests: XCTestCase {
    private func dot(_ text: String, expand: Bool = false) throws -> String {
        let ruleset = try Firewall(family: .ipv4, memory: MemoryTables()).parseRestore(text, counters: false)
        return GraphFormat(expand: expand, counters: false).dot(ruleset)
    }

    func testUnreachableChainAndRule() throws {
        let d = try dot("*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:DEAD - [0:0]\n-A INPUT -j A\n-A A -j RETURN\n-A A -j DEAD\nCOMMIT\n")
        XCTAssertTrue(d.contains("\"filter/A\" [shape=ellipse, color=red, fontcolor=red, label=\"A\\n2 rules\\nunreachable rules: 2\"];"), d)
        XCTAssertTrue(d.contains("\"filter/DEAD\" [shape=ellipse, color=red, fontcolor=red, style=dashed, label=\"DEAD\\n0 rules\\nunreachable chain\"];"), d)
        XCTAssertTrue(d.contains("\"filter/A\" -> \"filter/DEAD\" [label=\"#2 (unreachable)\", color=red, fontcolor=red, style=dotted];"), d)
        XCTAssertTrue(d.contains("\"filter/INPUT\" -> \"filter/A\" [label=\"#1\"];"), d)
    }

    func testFamiliesGrouped() throws {
        var text = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-AAAA1111 - [0:0]\n"
        for i in 0..<4 { text += ":KUBE-SEP-ABCD000\(i) - [0:0]\n" }
        for i in 0..<4 { text += "-A KUBE-SVC-AAAA1111 -j KUBE-SEP-ABCD000\(i)\n" }
        text += "-A PREROUTING -j KUBE-SVC-AAAA1111\nCOMMIT\n"
        let grouped = try dot(text)
        XCTAssertTrue(grouped.contains("\"nat/KUBE-SEP-*\" [shape=folder, label=\"KUBE-SEP-*\\n4 chains, 0 rules\"];"), grouped)
        XCTAssertTrue(grouped.contains("\"nat/KUBE-SVC-AAAA1111\" -> \"nat/KUBE-SEP-*\" [label=\"#1-4\"];"), grouped)
        XCTAssertTrue(try dot(text, expand: true).contains("\"nat/KUBE-SEP-ABCD0003\""))
    }

    func testWidth() {
        XCTAssertEqual(GraphFormat.width(0), 1)
        XCTAssertEqual(GraphFormat.width(9), 2)
        XCTAssertEqual(GraphFormat.width(12345), 6)
        XCTAssertEqual(GraphFormat.width(UInt64.max), 8)
    }
}
