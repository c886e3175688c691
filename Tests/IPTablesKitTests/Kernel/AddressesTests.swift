import CXtables
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

    /// The four words hold the address's bytes, then the mask's, in memory order: what
    /// is loaded, set or parsed comes back byte for byte, and is stored so.
    func testSlotBytesRoundTrip() {
        let bytes = [UInt8](0..<32)
        let slot = bytes.withUnsafeBytes { AddressSlot(address: $0.baseAddress!, mask: $0.baseAddress! + 16) }
        XCTAssertEqual(slot.address.0, 0)
        XCTAssertEqual(slot.address.15, 15)
        XCTAssertEqual(slot.mask.0, 16)
        XCTAssertEqual(slot.mask.15, 31)
        var out = [UInt8](repeating: 0xEE, count: 40)
        out.withUnsafeMutableBytes { slot.store(address: $0.baseAddress! + 4, mask: $0.baseAddress! + 24) }
        XCTAssertEqual(Array(out[4..<20]), Array(bytes[0..<16]))
        XCTAssertEqual(Array(out[24..<40]), Array(bytes[16..<32]))
        XCTAssertEqual(out[0..<4], [0xEE, 0xEE, 0xEE, 0xEE])
        XCTAssertEqual(out[20..<24], [0xEE, 0xEE, 0xEE, 0xEE])
        var parsed = AddressSlot()
        let ok = "10.1.2.0/24".withCString { spec in parsed.withBytes { fast_plain_ipv4(spec, $0, $1) } }
        XCTAssertTrue(ok)
        XCTAssertEqual([parsed.address.0, parsed.address.1, parsed.address.2, parsed.address.3], [10, 1, 2, 0])
        XCTAssertEqual([parsed.mask.0, parsed.mask.1, parsed.mask.2, parsed.mask.3, parsed.mask.4], [255, 255, 255, 0, 0])
    }
}
