import XCTest
@testable import IPTablesKit

/// -L in every flag combination and -S, over the restored ruleset of
/// Snapshots/restore-input.txt (with counters), on tables in memory. The golden file
/// was recorded with iptables-legacy 1.8.9 in a throwaway namespace.
final class ListingSnapshotTests: XCTestCase {
    /// The command lines, in the order of the golden file.
    private var commands: [[String]] {
        var out: [[String]] = []
        for table in ["filter", "nat"] {
            for n in ["", "-n"] { for v in ["", "-v"] { for x in ["", "-x"] { for l in ["", "--line-numbers"] {
                out.append(["-t", table, "-L"] + [n, v, x, l].filter { !$0.isEmpty })
            } } } }
            out += [["-t", table, "-S"], ["-t", table, "-S", "-v"]]
        }
        return out + [["-L", "INPUT", "2", "-n"], ["-S", "f2b-sshd", "1"], ["-L", "f2b-sshd", "-v", "-n"], ["-S", "INPUT", "-v"]]
    }

    func testListingsMatchLegacy() throws {
        let h = MemoryHarness()
        let ruleset = try String(contentsOfFile: Snapshots.folder + "/restore-input.txt", encoding: .utf8)
        XCTAssertEqual(try h.run("iptables-restore", ["-c"], input: ruleset).status, 0)
        var text = ""
        for words in commands {
            text += "$ iptables " + words.joined(separator: " ") + "\n"
            let r = try h.run("iptables", words)
            text += r.stdout + r.stderr + "rc=\(r.status)\n"
        }
        Snapshots.assert(text, matches: "listings.txt")
    }
}
