import FoundationEssentials
import IPTablesKit
@testable import IPTablesKitJSON
import XCTest

/// The JSON document on tables in memory: values to JSON and back to restore text.
final class RulesetJSONTests: XCTestCase {
    private let text = """
        *filter
        :INPUT DROP [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :f2b - [0:0]
        -A INPUT -s 10.0.0.0/8 ! -i eth0 -p tcp -m tcp --dport 22 -j f2b
        -A INPUT -m comment --comment "a b" -j ACCEPT
        -A FORWARD -g f2b
        -A f2b -j REJECT --reject-with icmp-port-unreachable
        COMMIT

        """

    private func ruleset() throws -> Ruleset {
        try Firewall(family: .ipv4, memory: MemoryTables()).parseRestore(text, counters: false)
    }

    func testDocumentFields() throws {
        let doc = RulesetJSON.document(try ruleset(), counters: false)
        XCTAssertEqual(doc.format, "iptables-swift-ruleset")
        XCTAssertEqual(doc.version, 1)
        let filter = try XCTUnwrap(doc.tables.first { $0.name == "filter" })
        let input = try XCTUnwrap(filter.chains.first { $0.name == "INPUT" })
        XCTAssertEqual(input.policy, "DROP")
        XCTAssertNil(input.policyCounters)
        let first = input.rules[0]
        XCTAssertEqual(first.position, 1)
        XCTAssertEqual(first.source, AddressDocument(address: "10.0.0.0", mask: "8", inverted: false))
        XCTAssertEqual(first.inInterface, InterfaceDocument(name: "eth0", inverted: true))
        XCTAssertEqual(first.protocol?.number, 6)
        XCTAssertEqual(first.target, TargetDocument(kind: "jump", name: "f2b"))
        XCTAssertEqual(first.save, "-A INPUT -s 10.0.0.0/8 ! -i eth0 -p tcp -m tcp --dport 22 -j f2b")
        XCTAssertEqual(input.rules[1].target, TargetDocument(kind: "verdict", name: "ACCEPT"))
        let f2b = try XCTUnwrap(filter.chains.first { $0.name == "f2b" })
        XCTAssertFalse(f2b.builtin)
        XCTAssertEqual(f2b.references, 2)
        XCTAssertEqual(f2b.rules[0].target?.kind, "extension")
        XCTAssertEqual(f2b.rules[0].target?.options, ["--reject-with", "icmp-port-unreachable"])
        XCTAssertEqual(filter.chains.first { $0.name == "FORWARD" }?.rules[0].target, TargetDocument(kind: "goto", name: "f2b"))
    }

    func testRoundTripThroughJSON() throws {
        let original = try ruleset()
        let json = try RulesetJSON.encode(original, counters: true)
        XCTAssertEqual(try RulesetJSON.encode(original, counters: true), json, "the same text every run")
        let back = try Firewall(family: .ipv4, memory: MemoryTables()).parseRestore(json: Data(json.utf8))
        XCTAssertEqual(back.tables.map(\.name), original.tables.map(\.name))
        XCTAssertEqual(back[table: "filter"]?.chains.map { $0.rules.map(\.saveLine) }, original[table: "filter"]?.chains.map { $0.rules.map(\.saveLine) })
    }

    func testHashIsFNV1a() {
        XCTAssertEqual(RulesetJSON.hash(""), "fnv1a64:cbf29ce484222325")
        XCTAssertEqual(RulesetJSON.hash("a"), "fnv1a64:af63dc4c8601ec8c")
    }

    func testBadDocuments() {
        XCTAssertThrowsError(try RulesetJSON.decode(Data("{}".utf8)))
        XCTAssertThrowsError(try RulesetJSON.decode(Data(#"{"format":"x","version":1,"family":"ipv4","counters":false,"tables":[]}"#.utf8)))
        let wrongChain = #"{"format":"iptables-swift-ruleset","version":1,"family":"ipv4","counters":false,"tables":[{"name":"filter","chains":[{"name":"X","builtin":false,"references":0,"rules":[{"position":1,"matches":[],"save":"-A Y -j ACCEPT","hash":"h"}]}]}]}"#
        let doc = try? RulesetJSON.decode(Data(wrongChain.utf8))
        XCTAssertNotNil(doc)
        XCTAssertThrowsError(try RulesetJSON.restoreText(doc!))
    }
}
