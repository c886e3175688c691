import XCTest
@testable import IPTablesKit

final class ChainOrderTests: XCTestCase {
    /// The order is strcmp's: bytes, shorter prefix first, UTF-8 by byte value.
    func testDescendingIsReverseByteOrder() {
        let names = ["b", "a", "ab", "KUBE-SVC-0000000000000001", "KUBE-SEP-FFFFFFFFFFFFFFFF", "a-b",
                     "é", "z", "A", "chain-000010", "chain-000009", "x" + String(repeating: "y", count: 27)]
        let expected = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.reversed()
        XCTAssertEqual(ChainOrder.descending(names) { $0 }, Array(expected))
    }

    func testCarriesItems() {
        let items = [("m", 1), ("z", 2), ("a", 3)]
        XCTAssertEqual(ChainOrder.descending(items) { $0.0 }.map(\.1), [2, 1, 3])
    }

    func testNoneOrOneItemComesBackAsGiven() {
        XCTAssertEqual(ChainOrder.descending([String]()) { $0 }, [])
        XCTAssertEqual(ChainOrder.descending(["only"]) { $0 }, ["only"])
    }
}
