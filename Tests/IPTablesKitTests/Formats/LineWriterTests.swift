import XCTest
@testable import IPTablesKit

/// The line buffer: growth past its first allocation, padding, insertion, numbers, and
/// what a sink receives.
final class LineWriterTests: XCTestCase {
    func testGrowsAndKeepsEverything() {
        var w = LineWriter()
        var expected = ""
        for i in 0..<500 {
            w.put("-A CHAIN ")
            w.put(UInt64(i))
            w.put(byte: 0x20)
            w.put(String(repeating: "x", count: i % 40))
            w.put(byte: 0x0A)
            expected += "-A CHAIN \(i) " + String(repeating: "x", count: i % 40) + "\n"
        }
        XCTAssertEqual(w.count, expected.utf8.count)
        XCTAssertEqual(w.text, expected)
    }

    func testPaddingAndInsertion() {
        var w = LineWriter()
        w.put("ab")
        let start = w.count
        w.put(UInt64(42))
        w.pad(from: start, to: 6)
        w.put("|")
        w.bytes_insertSpaces(at: 2, count: 3)
        XCTAssertEqual(w.text, "ab   42    |")
        w.put(UInt64.max)
        XCTAssertTrue(w.text.hasSuffix("|18446744073709551615"))
    }

    func testFlushHandsBytesToTheSink() {
        let sink = TextSink()
        var w = LineWriter(sink: sink)
        w.put(String(repeating: "y", count: 2000))
        w.put(byte: 0x0A)
        w.flush()
        XCTAssertEqual(w.count, 0)
        w.put("z\n")
        w.flush()
        XCTAssertEqual(sink.text, String(repeating: "y", count: 2000) + "\nz\n")
    }
}
