import XCTest
@testable import IPTablesKit

/// `iptables-swift check` in the library, on the userspace stage only (no root, no kernel):
/// one test per kind of diagnostic, each on a file broken in that one way.
final class CheckTests: XCTestCase {
    private static let header = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER - [0:0]\n"

    /// The diagnostics for a filter table with these lines after the declarations (line 6 on).
    private func check(_ lines: String, family: Family = .ipv4, whole: String? = nil,
                       options: CheckOptions = CheckOptions()) throws -> [Diagnostic] {
        var o = options
        o.kernelStage = false
        let text = whole ?? CheckTests.header + lines + "\nCOMMIT\n"
        let report = try RulesetChecker(family: family).check(Array(text.utf8), file: "rules", options: o)
        XCTAssertEqual(report.diagnostics.last?.message, "the kernel stage was not asked for (--userspace-only)")
        return report.diagnostics.filter { $0.severity != .note }
    }

    private func only(_ list: [Diagnostic], file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        XCTAssertEqual(list.count, 1, "\(list)", file: file, line: line)
        return list.first
    }

    func testUnknownOptionSuggestsTheLoadedExtensionsOption() throws {
        let d = only(try check("-A INPUT -p tcp --dprot 22 -j ACCEPT"))
        XCTAssertEqual(d?.line, 6)
        XCTAssertEqual(d?.column, 17)
        XCTAssertEqual(d?.length, 7)
        XCTAssertEqual(d?.message, "unknown option \"--dprot\"")
        XCTAssertEqual(d?.cause, "did you mean `--dport'?")
    }

    func testOptionOfAnUnloadedMatchSaysWhichMatchHasIt() throws {
        let d = only(try check("-A INPUT --dport 22 -j ACCEPT"))
        XCTAssertTrue(d?.cause?.contains("option of the tcp, udp") == true, d?.cause ?? "")
    }

    func testJumpToAnUndeclaredChainSuggestsTheNearestDeclaredOne() throws {
        let d = only(try check("-A FORWARD -j DOKER"))
        XCTAssertEqual(d?.column, 15)
        XCTAssertEqual(d?.cause, "no chain `DOKER' is declared in table filter; did you mean `DOCKER'?")
    }

    func testJumpToAChainOfAnotherTable() throws {
        let text = "*nat\n:KUBE - [0:0]\nCOMMIT\n" + CheckTests.header + "-A INPUT -j KUBE\nCOMMIT\n"
        let d = only(try check("", whole: text))
        XCTAssertEqual(d?.line, 9)
        XCTAssertEqual(d?.cause, "`KUBE' is a chain of table nat, not of table filter: rules jump only to chains of their own table")
    }

    func testUnknownMatchIsNoPluginFile() throws {
        let d = only(try check("-A INPUT -m conntrak --ctstate NEW -j ACCEPT"))
        XCTAssertTrue(d?.cause?.hasSuffix("did you mean `conntrack'?") == true, d?.cause ?? "")
        XCTAssertTrue(d?.cause?.contains("no libxt_conntrak.so") == true)
    }

    func testAppendToAnUndeclaredChain() throws {
        let d = only(try check("-A INPTU -j ACCEPT"))
        XCTAssertEqual(d?.message, "No chain/target/match by that name")
        XCTAssertEqual(d?.column, 4)
        XCTAssertEqual(d?.cause, "there is no chain `INPTU' in table filter; did you mean `INPUT'?")
    }

    func testPolicyOnAUserChain() throws {
        let d = only(try check(":CUSTOM ACCEPT [0:0]"))
        XCTAssertEqual(d?.message, "Can't set policy `ACCEPT' on `CUSTOM': Bad built-in chain name")
        XCTAssertEqual(d?.column, 9)
    }

    func testBadPolicySuggestsAVerdict() throws {
        let text = "*filter\n:INPUT DORP [0:0]\nCOMMIT\n"
        let d = only(try check("", whole: text))
        XCTAssertEqual(d?.line, 2)
        XCTAssertEqual(d?.cause, "a policy is ACCEPT or DROP; did you mean `DROP'?")
    }

    func testDeletingOrFlushingAMissingChain() throws {
        for command in ["-X", "-F"] {
            let d = only(try check("\(command) OLDCHAIN"))
            XCTAssertEqual(d?.cause, "there is no chain `OLDCHAIN' in table filter")
        }
    }

    func testMissingCommitNamesTheLineLegacyNames() throws {
        let d = only(try check("", whole: "*filter\n-A INPUT -j ACCEPT\n"))
        XCTAssertEqual(d?.line, 3, "iptables-restore: COMMIT expected at line 3")
        XCTAssertEqual(d?.column, nil)
    }

    func testLineOutsideATable() throws {
        let d = only(try check("", whole: "-A INPUT -j ACCEPT\n*filter\nCOMMIT\n"))
        XCTAssertEqual(d?.line, 1)
        XCTAssertEqual(d?.message, "this line is outside a table")
    }

    func testUnknownTableSkipsItsBlock() throws {
        let d = only(try check("", whole: "*filtre\n:INPUT ACCEPT [0:0]\n-A INPUT -j NOPE\nCOMMIT\n"))
        XCTAssertEqual(d?.cause, "the kernel has no table `filtre'; did you mean `filter'?")
    }

    func testEveryErrorOfTheFileUpToTheLimit() throws {
        let lines = (0..<30).map { "-A INPUT -p tcp --dprot \($0) -j ACCEPT" }.joined(separator: "\n")
        XCTAssertEqual(try check(lines).count, 20)
        var o = CheckOptions()
        o.maxErrors = 3
        XCTAssertEqual(try check(lines, options: o).map(\.line), [6, 7, 8])
    }

    func testIPv6FileAndAValidFileIsClean() throws {
        XCTAssertEqual(try check("-A INPUT -s 2001:db8::1 -p tcp --dport 22 -j ACCEPT", family: .ipv6), [])
        let d = only(try check("-A INPUT -s 2001:db8::zz -j DROP", family: .ipv6))
        XCTAssertEqual(d?.message, "host/network `2001:db8::zz' not found")
    }

    func testKernelRejectionPointsAtTheTarget() throws {
        let text = CheckTests.header + "-A INPUT -p tcp -j DNAT --to-destination 10.0.0.1\nCOMMIT\n"
        let diagnosis = CheckDiagnosis(file: "rules", family: .ipv4, outline: RulesetOutline(Array(text.utf8)),
                                       programName: "iptables-restore")
        var e = IPTablesError.kernel(errno: EINVAL, message: "Invalid argument")
        e.message = "Invalid argument"
        let log = ["x_tables: ip_tables: DNAT target: only valid in nat table, not filter"]
        let d = diagnosis.kernelRejection(line: 6, error: e, log: log, registered: (nil, nil))
        XCTAssertEqual(d.column, 20)
        XCTAssertEqual(d.cause, "kernel: " + log[0])
        let loop = diagnosis.kernelRejection(line: 6, error: .kernel(errno: ELOOP, message: "loop"), log: [], registered: (nil, nil))
        XCTAssertTrue(loop.cause?.contains("loop") == true)
    }
}

/// The stages that cannot run: check says so once, runs the userspace stage, exits 3.
final class CheckStageTests: XCTestCase {
    private let text = Array("*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n".utf8)

    func testNoKernelTablesMeansUserspaceOnlyAndExit3() throws {
        let checker = try RulesetChecker(family: .ipv4)
        checker.kernelHasTables = { _ in false }
        let report = try checker.check(text, file: "f")
        XCTAssertEqual(report.exitStatus, 3)
        XCTAssertEqual(report.diagnostics.map(\.severity), [.note])
        XCTAssertTrue(report.diagnostics[0].message.contains("ip_tables is not loaded"), report.diagnostics[0].message)
    }

    func testNoUserNamespaceMeansUserspaceOnlyAndExit3() throws {
        let checker = try RulesetChecker(family: .ipv6)
        checker.kernelHasTables = { _ in true }
        checker.inPrivateNetwork = { _ in throw PrivateNetwork.Unavailable(reason: "user namespaces are not allowed here") }
        let bad = Array("*filter\n-A INPUT -p tcp --dprot 22 -j ACCEPT\nCOMMIT\n".utf8)
        let report = try checker.check(bad, file: "f")
        XCTAssertEqual(report.exitStatus, 1, "errors found in userspace still make the file invalid")
        XCTAssertEqual(report.diagnostics.map(\.severity), [.error, .note])
        XCTAssertEqual(report.diagnostics[1].message,
                       "the kernel stage did not run: user namespaces are not allowed here; only the userspace stage ran")
        XCTAssertEqual(try checker.check(text, file: "f").exitStatus, 3)
    }
}
