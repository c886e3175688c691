import XCTest
@testable import IPTablesKit

final class RestoreTokenizerTests: XCTestCase {
    func testPlainWords() throws {
        XCTAssertEqual(try RestoreTokenizer.words("-A INPUT  -j\tACCEPT\n"), ["-A", "INPUT", "-j", "ACCEPT"])
    }

    func testDoubleQuotesGroupAndEndAWord() throws {
        XCTAssertEqual(try RestoreTokenizer.words("--comment \"hello world\" x\n"), ["--comment", "hello world", "x"])
        XCTAssertEqual(try RestoreTokenizer.words("\"a\"b\n"), ["a", "b"])
        XCTAssertEqual(try RestoreTokenizer.words("x \"\" y\n"), ["x", "", "y"])
    }

    func testBackslashEscapesOnlyInsideQuotes() throws {
        XCTAssertEqual(try RestoreTokenizer.words("\"say \\\"hi\\\"\"\n"), ["say \"hi\""])
        XCTAssertEqual(try RestoreTokenizer.words("a\\b\n"), ["a\\b"])
    }

    func testSingleQuotesAreLiteral() throws {
        XCTAssertEqual(try RestoreTokenizer.words("--comment 'dapp_OpenSSH'\n"), ["--comment", "'dapp_OpenSSH'"])
    }

    func testOverlongWordIsRefused() {
        let long = String(repeating: "x", count: 1100)
        XCTAssertThrowsError(try RestoreTokenizer.words(long)) { error in
            XCTAssertEqual((error as? IPTablesError)?.message, "Parameter too long!")
        }
    }

    func testCountersPrefix() throws {
        let c = try RestoreTokenizer.counters("[7:8] -A INPUT\n", lineNumber: 1)
        XCTAssertEqual(c?.packets, "7")
        XCTAssertEqual(c?.bytes, "8")
        XCTAssertEqual(c?.rest, " -A INPUT\n")
        XCTAssertNil(try RestoreTokenizer.counters("-A INPUT\n", lineNumber: 1))
        XCTAssertThrowsError(try RestoreTokenizer.counters("[7:8 -A\n", lineNumber: 3)) { error in
            XCTAssertEqual((error as? IPTablesError)?.message, "Bad line 3: need ]")
        }
    }

    /// The eight-byte tests against the bytes one by one (the first lane each marks is the
    /// first byte it looks for): every byte value in every lane, the other lanes random.
    func testWordTestsMatchTheBytes() {
        var g = SystemRandomNumberGenerator()
        for lane in 0..<8 {
            for b in 0...255 {
                var bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &g) }
                bytes[lane] = UInt8(b)
                let v = UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
                XCTAssertEqual(firstLane(RestoreTokenizer.bytesBelow0x23(v)), bytes.firstIndex { $0 < 0x23 }, "\(bytes)")
                XCTAssertEqual(firstLane(RestoreTokenizer.quotesAndBackslashes(v)),
                               bytes.firstIndex { $0 == 0x22 || $0 == 0x5C }, "\(bytes)")
            }
        }
    }

    /// Random lines (quotes, escapes, blanks, NUL and high bytes, words of every length)
    /// split as a byte-at-a-time reading of iptables' rules splits them.
    func testRandomLinesSplitAsByteByByte() throws {
        var g = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("ab-_:./09\\\"\" \t\n'".utf8) + [0x00, 0x01, 0x21, 0x23, 0x5B, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<3000 {
            var line: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &g) {
                let run = Int.random(in: 0...40, using: &g)
                let plain = Bool.random(using: &g)
                for _ in 0..<run {
                    line.append(plain ? UInt8.random(in: 0x23...0x7E, using: &g) : alphabet.randomElement(using: &g)!)
                }
            }
            let expected = referenceSplit(line), got = try split(line)
            XCTAssertEqual(got.bytes, expected.bytes, "\(line)")
            XCTAssertEqual(got.starts, expected.starts, "\(line)")
        }
    }

    /// A word of exactly the longest length passes, one byte more is refused, quoted or not.
    func testLongestWordBoundary() throws {
        for quoted in [false, true] {
            for n in [1023, 1024] {
                let word = String(repeating: "y", count: n)
                let line = quoted ? "\"\(word)\" z\n" : "\(word) z\n"
                if n == 1023 {
                    XCTAssertEqual(try RestoreTokenizer.words(line), [word, "z"])
                } else {
                    XCTAssertThrowsError(try RestoreTokenizer.words(line))
                }
            }
        }
    }

    /// Lines packed with as many words as their bytes allow.
    func testDensestLines() throws {
        XCTAssertEqual(try RestoreTokenizer.words("a b c d"), ["a", "b", "c", "d"])
        XCTAssertEqual(try RestoreTokenizer.words("a"), ["a"])
        XCTAssertEqual(try RestoreTokenizer.words("\"\""), [""])
        XCTAssertEqual(try RestoreTokenizer.words("\"\"\"\"\"\""), ["", "", ""])
        XCTAssertEqual(try RestoreTokenizer.words("\"a\"b\"c\"d"), ["a", "bc", "d"])
        XCTAssertEqual(try RestoreTokenizer.words("a\"\"b"), ["a", "b"])
        XCTAssertEqual(try RestoreTokenizer.words(String(repeating: "x ", count: 300)).count, 300)
    }

    /// Starts already in the array stay first; an error leaves the array as it was.
    func testStartsAreAppendedAfterThoseGiven() throws {
        let line = Array("-A INPUT \"a b\" -j ACCEPT\n".utf8)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 3 + 2 * line.count + 1)
        defer { buffer.deallocate() }
        var end = 3, starts = UnmanagedList<Int>()
        defer { starts.deallocate() }
        for s in [0, 1, 2] { starts.append(s) }
        try line.withUnsafeBufferPointer { try RestoreTokenizer.split($0, into: buffer, end: &end, starts: &starts) }
        XCTAssertEqual(Array(starts), [0, 1, 2, 3, 6, 12, 16, 19])
        let long = Array((String(repeating: "z", count: 1100) + " x\n").utf8)
        let big = UnsafeMutablePointer<CChar>.allocate(capacity: 2 * long.count + 1)
        defer { big.deallocate() }
        var end2 = 0
        XCTAssertThrowsError(try long.withUnsafeBufferPointer {
            try RestoreTokenizer.split($0, into: big, end: &end2, starts: &starts)
        })
        XCTAssertEqual(Array(starts), [0, 1, 2, 3, 6, 12, 16, 19])
    }

    /// The lane of the lowest marked byte of a mask; nil when none is marked.
    private func firstLane(_ mask: UInt64) -> Int? { mask == 0 ? nil : mask.trailingZeroBitCount / 8 }

    private func split(_ line: [UInt8]) throws -> (bytes: [UInt8], starts: [Int]) {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 2 * line.count + 1)
        defer { buffer.deallocate() }
        var end = 0
        var starts = UnmanagedList<Int>()
        defer { starts.deallocate() }
        try line.withUnsafeBufferPointer { try RestoreTokenizer.split($0, into: buffer, end: &end, starts: &starts) }
        return (UnsafeBufferPointer(start: buffer, count: end).map { UInt8(bitPattern: $0) }, Array(starts))
    }

    /// iptables-restore's splitting, a byte at a time: quotes group and end a word when they
    /// close, a backslash escapes inside quotes only, space, tab and newline separate.
    private func referenceSplit(_ line: [UInt8]) -> (bytes: [UInt8], starts: [Int]) {
        var out: [UInt8] = [], starts: [Int] = []
        var inWord = false, quoted = false, escaped = false
        func keep(_ b: UInt8) {
            if !inWord { inWord = true; starts.append(out.count) }
            out.append(b)
        }
        func end() {
            if inWord { out.append(0); inWord = false }
        }
        for b in line {
            if quoted {
                if escaped { escaped = false; keep(b) }
                else if b == 0x5C { escaped = true }
                else if b == 0x22 {
                    quoted = false
                    if !inWord { starts.append(out.count) }
                    out.append(0)
                    inWord = false
                } else { keep(b) }
            } else if b == 0x22 { quoted = true }
            else if b == 0x20 || b == 0x09 || b == 0x0A { end() }
            else { keep(b) }
        }
        end()
        return (out, starts)
    }
}
