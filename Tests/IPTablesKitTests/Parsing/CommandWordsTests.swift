import Glibc
import XCTest
@testable import IPTablesKit

/// CommandWords reads a C argv in place: its words, the tool's own words after the
/// multi-call binary's name, and the copy a [String] caller goes through.
final class CommandWordsTests: XCTestCase {
    func testReadsAnArgvInPlace() {
        let status = CArgv.withWords(["xtables-swift-multi", "iptables", "-S"]) { words -> Int32 in
            XCTAssertEqual(words.count, 3)
            XCTAssertEqual(words[1], "iptables")
            XCTAssertEqual(words.strings, ["xtables-swift-multi", "iptables", "-S"])
            let tool = words.droppingFirst
            XCTAssertEqual(tool.count, 2)
            XCTAssertEqual(tool.strings, ["iptables", "-S"])
            return 7
        }
        XCTAssertEqual(status, 7)
    }
}
