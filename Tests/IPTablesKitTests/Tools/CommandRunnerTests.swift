import XCTest
@testable import IPTablesKit

/// The command runner against tables in memory. The transcripts are golden files that were
/// recorded with iptables-legacy 1.8.9 in a throwaway namespace: the memory table gives
/// libiptc's errors with its words. (Checks only the kernel makes, such as REJECT's
/// protocol requirement, are not in them: memory accepts what the kernel would refuse. One
/// line differs from the recording on purpose: `-E a ACCEPT` validates the new name as -N
/// does, a fix listed in README.)
final class CommandRunnerTests: XCTestCase {
    /// Runs each command line and writes "$ command", its output and "rc=N", as the
    /// recording script did.
    private func transcript(_ lines: [[String]], family: Family = .ipv4) throws -> String {
        let h = MemoryHarness(family)
        var text = ""
        for words in lines {
            text += "$ iptables " + words.joined(separator: " ") + "\n"
            let r = try h.run(family.toolName, words)
            text += r.stdout + r.stderr + "rc=\(r.status)\n"
        }
        return text
    }

    func testRulesChainsAndLibiptcErrors() throws {
        let lines: [[String]] = [
            ["-N", "web"], ["-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"],
            ["-A", "INPUT", "-s", "10.0.0.0/8", "-j", "web"],
            ["-A", "web", "-m", "comment", "--comment", "hi there", "-j", "DROP"],
            ["-I", "web", "1", "-i", "eth0", "-j", "RETURN"], ["-S"], ["-X", "web"], ["-N", "web"],
            ["-D", "INPUT", "-p", "udp", "-j", "ACCEPT"], ["-C", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"],
            ["-D", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"], ["-I", "INPUT", "5", "-j", "ACCEPT"],
            ["-R", "INPUT", "3", "-j", "ACCEPT"], ["-D", "INPUT", "9"], ["-P", "web", "DROP"], ["-P", "INPUT", "FOO"],
            ["-A", "nochain", "-j", "ACCEPT"], ["-A", "INPUT", "-j", "INPUT"], ["-E", "web", "www"], ["-X", "INPUT"],
            ["-L", "-n", "--line-numbers"], ["-F", "www"], ["-D", "INPUT", "1"], ["-X", "www"], ["-Z", "INPUT", "1"], ["-S"],
        ]
        Snapshots.assert(try transcript(lines), matches: "memory-commands.txt")
    }

    func testMissingChainsRenamesAndGoto() throws {
        let lines: [[String]] = [
            ["-N", "a"], ["-N", "b"], ["-A", "a", "-j", "ACCEPT"], ["-X", "a"], ["-E", "a", "b"], ["-E", "INPUT", "c"],
            ["-E", "zz", "c"], ["-E", "a", "ACCEPT"], ["-F", "zz"], ["-Z", "zz"], ["-L", "zz"], ["-S", "zz"],
            ["-D", "zz", "1"], ["-I", "zz", "-j", "ACCEPT"], ["-R", "zz", "1", "-j", "ACCEPT"], ["-C", "zz", "-j", "ACCEPT"],
            ["-D", "zz", "-j", "ACCEPT"], ["-N", "ACCEPT"], ["-X", "zz"], ["-P", "zz", "ACCEPT"], ["-Z", "a", "2"],
            ["-I", "INPUT", "2", "-j", "ACCEPT"], ["-A", "INPUT", "-j", "a"], ["-A", "INPUT", "-g", "b"], ["-X"],
            ["-t", "nat", "-A", "PREROUTING", "-j", "DROP"], ["-t", "foo", "-L"],
            ["-A", "INPUT", "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"], ["-S"], ["-L", "-v", "-x"],
        ]
        Snapshots.assert(try transcript(lines), matches: "memory-chains.txt")
    }
}
