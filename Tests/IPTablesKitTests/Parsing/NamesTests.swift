import XCTest
@testable import IPTablesKit

final class NamesTests: XCTestCase {
    /// The C-string form answers as the String form for verdicts, near misses and chain names.
    func testVerdictOfACNameMatchesTheStringForm() {
        let names = ["ACCEPT", "DROP", "QUEUE", "RETURN", "", "A", "ACCEPTX", "ACCEP", "accept", "DROP ",
                     "RETURNED", "QUEUES", "D", "R", "Q", "KUBE-SERVICES", "chain-000001", "INPUT", "ÄCCEPT"]
        for n in names {
            XCTAssertEqual(n.withCString { Names.isVerdict(cName: $0) }, Names.isVerdict(n), n)
        }
        XCTAssertTrue(Names.isVerdict("RETURN"))
        XCTAssertFalse(Names.isVerdict("RETURNS"))
    }
}
