import XCTest
@testable import IPTablesKit

/// AddressList: the first address inline, the rest in a buffer, read back in order.
final class AddressesTests: XCTestCase {
    private func slot(_ n: UInt8) -> AddressSlot {
        var s = AddressSlot()
        s.address.0 = n
        s.mask.0 = 0xFF
        return s
    }

    func testListsOfNoneOneAndMany() {
        XCTAssertEqual(AddressList().count, 0)
        let one = AddressList(slot(7))
        XCTAssertEqual(one.count, 1)
        XCTAssertEqual(one[0].address.0, 7)
        let many = AddressList(count: 5) { slot(UInt8($0 + 1)) }
        XCTAssertEqual(many.count, 5)
        XCTAssertEqual((0..<5).map { many[$0].address.0 }, [1, 2, 3, 4, 5])
        XCTAssertEqual(many.map { $0.mask.0 }, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        let copy = many  // shares the buffer; both read the same
        XCTAssertEqual(copy[4].address.0, 5)
    }
}
