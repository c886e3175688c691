import XCTest

/// Golden files under Tests/IPTablesKitTests/Snapshots. `RECORD_SNAPSHOTS=1 swift test`
/// writes what the code produces now instead of comparing, and fails each such test (review
/// the diff, commit, run again).
enum Snapshots {
    /// The Snapshots folder, found from this file's path.
    static var folder: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast()
        return parts.joined(separator: "/") + "/Snapshots"
    }

    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Compares `actual` with the golden file `name` (or records it).
    static func assert(_ actual: String, matches name: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = folder + "/" + name
        if recording {
            XCTAssertNoThrow(try actual.write(toFile: path, atomically: true, encoding: .utf8), file: file, line: line)
            // A recording run checks nothing: it says so, so that it never passes as a test run.
            return XCTFail("recorded \(name); review the diff, then run again without RECORD_SNAPSHOTS",
                           file: file, line: line)
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return XCTFail("no snapshot \(name); run with RECORD_SNAPSHOTS=1", file: file, line: line)
        }
        XCTAssertEqual(actual, expected, "snapshot \(name)", file: file, line: line)
    }
}
