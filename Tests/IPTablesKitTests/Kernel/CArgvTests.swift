import Glibc
import XCTest
@testable import IPTablesKit

/// The reused argv restore splits every rule line into: each line's words, whatever the
/// lines before it held, as its buffers grow.
final class CArgvTests: XCTestCase {
    /// Writes the words into the argv's buffer as restore does and points the argv at them.
    private func load(_ argv: CArgv, _ words: [String]) {
        let bytes = words.reduce(0) { $0 + $1.utf8.count + 1 }
        let buffer = argv.wordBuffer(bytes: bytes)
        var starts: [Int] = [], at = 0
        for w in words {
            starts.append(at)
            for b in w.utf8 { buffer[at] = CChar(bitPattern: b); at += 1 }
            buffer[at] = 0
            at += 1
        }
        starts.withUnsafeBufferPointer { argv.point(at: $0) }
    }

    private func words(_ argv: CArgv) -> [String] {
        (0..<argv.count).map { argv[$0] }
    }

    func testEachLineReadsItsOwnWords() {
        let argv = CArgv()
        XCTAssertEqual(argv.count, 0)
        XCTAssertNil(argv.pointer[0])
        let lines: [[String]] = [
            ["iptables-restore", "-t", "filter", "-A", "INPUT", "-j", "ACCEPT"],
            (0..<300).map { "word\($0)" },
            ["x"],
            [String(repeating: "a", count: 5000), "b"],
            ["iptables-restore", "-t", "nat", "-A", "KUBE-SERVICES"],
        ]
        for line in lines {
            load(argv, line)
            XCTAssertEqual(words(argv), line)
            XCTAssertNil(argv.pointer[line.count], "argv ends with NULL")
        }
    }
}
