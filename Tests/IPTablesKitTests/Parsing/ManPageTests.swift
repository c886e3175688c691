import XCTest
@testable import IPTablesKit

/// Every option the parsers know appears in the manual pages written for this project.
final class ManPageTests: XCTestCase {
    /// The repository's man/ folder, found from this file's path.
    private var manDir: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/man"
    }

    private func page(_ name: String) throws -> String {
        try String(contentsOfFile: manDir + "/" + name, encoding: .utf8)
    }

    /// How roff writes an option: every '-' escaped.
    private func roff(_ option: String) -> String { option.replacingOccurrences(of: "-", with: "\\-") }

    /// Whether the page names the option as a whole word: `--list` inside `--list-rules`, or
    /// `-c` inside `-check`, does not count.
    private func names(_ text: String, _ option: String) -> Bool {
        let escaped = NSRegularExpression.escapedPattern(for: roff(option))
        let pattern = "(?<!\\\\-)" + escaped + "(?![A-Za-z0-9]|\\\\-)"
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    private func assertDocuments(_ options: LongOptions, shortOptions: String, in text: String, page: String) {
        for name in options.names {
            XCTAssertTrue(names(text, "--" + name), "\(page) lacks --\(name)")
        }
        for c in shortOptions {
            XCTAssertTrue(names(text, "-" + String(c)), "\(page) lacks -\(c)")
        }
    }

    func testIptablesPageCoversEveryBaseOption() throws {
        let text = try page("iptables.8")
        for family in [Family.ipv4, Family.ipv6] {
            let shorts = "\(BaseOptions.optstring)".filter { $0.isLetter || $0.isNumber }.filter { $0 != "b" }
            assertDocuments(BaseOptions.options(for: family), shortOptions: String(shorts), in: text, page: "iptables.8")
        }
    }

    /// The matcher takes whole option names only.
    func testOptionsMatchAsWholeNames() {
        XCTAssertTrue(names("\\fB\\-\\-list\\fR [chain]", "--list"))
        XCTAssertFalse(names("\\fB\\-\\-list\\-rules\\fR", "--list"))
        XCTAssertFalse(names("\\fB\\-\\-check\\fR", "-c"))
        XCTAssertFalse(names("\\-\\-c ", "-c"), "--c is not -c")
        XCTAssertTrue(names("\\fB\\-c\\fR packets bytes", "-c"))
    }

    func testSavePageCoversEveryOption() throws {
        assertDocuments(SaveTool.options, shortOptions: "bcdtMfV", in: try page("iptables-save.8"), page: "iptables-save.8")
    }

    func testRestorePageCoversEveryOption() throws {
        assertDocuments(RestoreTool.options, shortOptions: "bcvVthnwWMT", in: try page("iptables-restore.8"), page: "iptables-restore.8")
    }

    func testPersistencePageCoversEveryAction() throws {
        let text = try page("iptables-swift-persistent.8")
        for action in ["start", "restore", "reload", "save", "flush", "stop", "status", "FAIL_CLOSED", "STYLE"] {
            XCTAssertTrue(text.contains(action), "iptables-swift-persistent.8 lacks \(action)")
        }
    }
}
