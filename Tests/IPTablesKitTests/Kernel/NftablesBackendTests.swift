@testable import IPTablesKit
import XCTest

/// NftablesBackend's walk of a netlink dump's text: one object a line, table then chain.
final class NftablesBackendTests: XCTestCase {
    private func objects(_ text: String) -> [String] {
        var out: [String] = []
        let stopped = text.withCString { c in
            NftablesBackend.anyObject(in: c) { table, chain in
                out.append(String(decoding: table, as: UTF8.self) + "|" + String(decoding: chain, as: UTF8.self))
                return false
            }
        }
        XCTAssertFalse(stopped)
        return out
    }

    func testLinesGiveTablesAndChains() {
        XCTAssertEqual(objects("filter\tINPUT\nnat\n"), ["filter|INPUT", "nat|"])
        XCTAssertEqual(objects("\n\nfilter\tIN\tPUT"), ["filter|IN\tPUT"], "empty lines skipped, a chain runs to the line's end")
        XCTAssertEqual(objects("\tchain\n"), ["|chain"], "an empty table name is still an object")
        XCTAssertEqual(objects(""), [])
    }

    func testTheWalkStopsAtTheFirstYes() {
        var seen = 0
        let found = "a\tx\nfilter\ty\nb\tz\n".withCString { c in
            NftablesBackend.anyObject(in: c) { table, _ in
                seen += 1
                return BuiltinChains.isTableName(table)
            }
        }
        XCTAssertTrue(found)
        XCTAssertEqual(seen, 2)
    }
}
