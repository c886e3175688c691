import XCTest
@testable import IPTablesKit

/// Restore and save against tables in memory. The golden transcript was recorded with
/// iptables-legacy 1.8.9 (restore -c, save -c, a --noflush restore that fails at line 4 and
/// leaves the table as it was, save -t filter), with the clock lines fixed.
final class RestoreTests: XCTestCase {
    private func input(_ name: String) throws -> String {
        try String(contentsOfFile: Snapshots.folder + "/" + name, encoding: .utf8)
    }

    func testRestoreThenSaveAsLegacyDoes() throws {
        let h = MemoryHarness()
        var text = ""
        var r = try h.run("iptables-restore", ["-c"], input: try input("restore-input.txt"))
        text += r.stdout + r.stderr + "rc=\(r.status)\n"
        r = try h.run("iptables-save", ["-c"])
        text += r.stdout + r.stderr
        r = try h.run("iptables-restore", ["--noflush"], input: try input("restore-bad-port.txt"))
        text += r.stdout + r.stderr + "rc=\(r.status)\n"
        r = try h.run("iptables-save", ["-t", "filter"])
        text += r.stdout + r.stderr
        Snapshots.assert(text, matches: "restore-save.txt")
    }

    func testErrorsCarryTheirLine() throws {
        let h = MemoryHarness()
        let context = try XtablesContext(family: .ipv4, programName: "iptables-restore", output: TextSink(), diagnostics: TextSink())
        var renderer = ErrorRenderer(programName: "iptables-restore", version: XtablesVersion.string)
        XCTAssertThrowsError(try RestoreTool.run(["iptables-restore"], context: context, tables: h.tables,
                                                 renderer: &renderer, input: try input("restore-bad-port.txt"))) { error in
            let e = error as? IPTablesError
            XCTAssertEqual(e?.kind, .parameter)
            XCTAssertEqual(e?.location?.line, 4)
            XCTAssertEqual(e?.location?.argument, 8, "99999, after the words restore puts first (argv0 -t filter)")
            XCTAssertEqual(e?.location?.column, 25, "99999 in \"-A INPUT -p tcp --dport 99999 -j ACCEPT\"")
        }
    }
}
