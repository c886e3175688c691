import XCTest
@testable import IPTablesKit

final class AddressTextTests: XCTestCase {
    func testPrefixLength() {
        XCTAssertEqual(AddressText.prefixLength([255, 255, 255, 0]), 24)
        XCTAssertEqual(AddressText.prefixLength([0, 0, 0, 0]), 0)
        XCTAssertEqual(AddressText.prefixLength([255, 255, 255, 255]), 32)
        XCTAssertNil(AddressText.prefixLength([255, 0, 255, 0]))
    }

    /// Every length of both widths, and every single-bit hole, against the byte-by-byte rule
    /// (iptables' own: ones then zeros); other widths take the byte loop.
    func testPrefixLengthEveryWidth() {
        for width in [4, 16] {
            for length in 0...(width * 8) {
                let mask = (0..<width).map { i -> UInt8 in
                    let bits = max(0, min(8, length - i * 8))
                    return bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                }
                XCTAssertEqual(AddressText.prefixLength(mask), length, "\(width) bytes, /\(length)")
                for hole in 0..<(width * 8) where hole < length - 1 {
                    var holed = mask
                    holed[hole / 8] &= ~(0x80 >> UInt8(hole % 8))
                    XCTAssertNil(AddressText.prefixLength(holed), "\(width) bytes, /\(length) without bit \(hole)")
                }
                if length < width * 8 {
                    var stray = mask
                    stray[width - 1] |= 1
                    if length < width * 8 - 1 { XCTAssertNil(AddressText.prefixLength(stray), "\(width) bytes, /\(length) with the last bit") }
                }
            }
        }
        XCTAssertEqual(AddressText.prefixLength([255, 240]), 12)
        XCTAssertNil(AddressText.prefixLength([255, 0, 1]))
    }

    func testSaveIPv4() {
        let f = Family.ipv4
        XCTAssertEqual(AddressText.save("s", address: [10, 0, 0, 0], mask: [255, 0, 0, 0], inverted: false, family: f), " -s 10.0.0.0/8")
        XCTAssertEqual(AddressText.save("d", address: [10, 0, 0, 1], mask: [255, 0, 255, 0], inverted: true, family: f), " ! -d 10.0.0.1/255.0.255.0")
        XCTAssertEqual(AddressText.save("s", address: [0, 0, 0, 0], mask: [0, 0, 0, 0], inverted: false, family: f), "")
        XCTAssertEqual(AddressText.save("s", address: [0, 0, 0, 0], mask: [0, 0, 0, 0], inverted: true, family: f), " ! -s 0.0.0.0/0")
    }

    func testSaveIPv6NonContiguousMask() {
        let f = Family.ipv6
        var addr = [UInt8](repeating: 0, count: 16); addr[2] = 0xba; addr[3] = 0xbe
        var mask = [UInt8](repeating: 0, count: 16); mask[2] = 0xff; mask[3] = 0xff
        XCTAssertEqual(AddressText.save("s", address: addr, mask: mask, inverted: false, family: f), " -s 0:babe::/0:ffff::")
    }

    func testSaveInterface() {
        func padded(_ s: String) -> [UInt8] { Array(s.utf8) + [UInt8](repeating: 0, count: 16 - s.utf8.count) }
        let wildcardMask: [UInt8] = [0xff, 0xff, 0xff] + [UInt8](repeating: 0, count: 13)
        XCTAssertEqual(AddressText.saveInterface("i", name: padded("eth"), mask: wildcardMask, inverted: false), " -i eth+")
        let exactMask: [UInt8] = [UInt8](repeating: 0xff, count: 5) + [UInt8](repeating: 0, count: 11)
        XCTAssertEqual(AddressText.saveInterface("o", name: padded("eth0"), mask: exactMask, inverted: true), " ! -o eth0")
        XCTAssertEqual(AddressText.saveInterface("o", name: padded(""), mask: [UInt8](repeating: 0, count: 16), inverted: false), "")
    }
}
