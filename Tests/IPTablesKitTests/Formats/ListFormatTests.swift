import XCTest
@testable import IPTablesKit

final class ListFormatTests: XCTestCase {
    func testCounterScaling() {
        let kmg: ListStyle = [.kiloMegaGiga]
        XCTAssertEqual(ListFormat.number(0, kmg), "    0 ")
        XCTAssertEqual(ListFormat.number(99999, kmg), "99999 ")
        XCTAssertEqual(ListFormat.number(100000, kmg), " 100K ")
        XCTAssertEqual(ListFormat.number(12_345_678, kmg), "  12M ")
        XCTAssertEqual(ListFormat.number(12_345_678, []), "12345678 ")
        XCTAssertEqual(ListFormat.number(42, [.noTable]), "42 ")
        XCTAssertEqual(ListFormat.number(2_000_000, [.kiloMegaGiga, .noTable]), "2000K ")
    }

    func testHeaderWithoutVerbose() {
        let h = ListFormat.headerLine(chain: "INPUT", policy: Policy(name: "ACCEPT"), references: nil,
                                  style: [.options, .noCounts, .kiloMegaGiga]) + ListFormat.titles([.options, .noCounts, .kiloMegaGiga])
        XCTAssertEqual(h, "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n")
    }

    func testHeaderVerboseAndReferences() {
        let h = ListFormat.headerLine(chain: "foo", policy: nil, references: 1,
                                  style: [.options, .via, .kiloMegaGiga, .lineNumbers]) + ListFormat.titles([.options, .via, .kiloMegaGiga, .lineNumbers])
        XCTAssertEqual(h, "Chain foo (1 references)\nnum   pkts bytes target     prot opt in     out     source               destination         \n")
    }

    func testPolicyCountersInHeader() {
        let h = ListFormat.headerLine(chain: "OUTPUT", policy: Policy(name: "DROP", packets: 5, bytes: 300_000), references: nil,
                                  style: [.options, .via, .kiloMegaGiga]) + ListFormat.titles([.options, .via, .kiloMegaGiga])
        XCTAssertTrue(h.hasPrefix("Chain OUTPUT (policy DROP 5 packets, 300K bytes)\n"))
    }

    func testPadding() {
        XCTAssertEqual("ab".padRight(4), "ab  ")
        XCTAssertEqual("ab".padLeft(4), "  ab")
        XCTAssertEqual("abcdef".padRight(4), "abcdef")
    }
}
