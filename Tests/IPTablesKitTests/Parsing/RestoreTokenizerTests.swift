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

}
