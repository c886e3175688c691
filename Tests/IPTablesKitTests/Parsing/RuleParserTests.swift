import XCTest
@testable import IPTablesKit

/// The command-line parser in-process: libxtables loads extensions but no table is opened,
/// so neither root nor the kernel is needed. libxtables and getopt are process-global;
/// XCTest runs these methods one after another.
final class RuleParserTests: XCTestCase {
    private var context: XtablesContext!

    override func setUpWithError() throws {
        context = try XtablesContext(family: .ipv4, programName: "iptables", output: TextSink(), diagnostics: TextSink())
    }

    private func parse(_ args: [String]) throws -> ParsedCommand {
        let parser = RuleParser(context: context, arguments: ["iptables"] + args, restore: false)
        guard case .run(let command) = try parser.parse() else {
            XCTFail("no command")
            throw IPTablesError.parameter("no command")
        }
        return command
    }

    private func error(_ args: [String]) -> IPTablesError? {
        do {
            let c = try parse(args)
            c.release()
            return nil
        } catch let e as IPTablesError {
            return e
        } catch {
            return nil
        }
    }

    func testAppendWithMatchAndTarget() throws {
        let c = try parse(["-A", "INPUT", "-s", "10.0.0.1/24", "-p", "tcp", "--dport", "22", "-j", "ACCEPT"])
        defer { c.release() }
        XCTAssertEqual(c.commands, .append)
        XCTAssertEqual(c.chain, "INPUT")
        XCTAssertEqual(c.jumpTo, "ACCEPT")
        XCTAssertEqual(c.rule.proto, 6)
        XCTAssertEqual(c.rule.sources.count, 1)
        XCTAssertEqual(c.rule.sources[0].address.0, 10)
        XCTAssertEqual(c.rule.sources[0].address.3, 0, "the address is masked")
        XCTAssertEqual(c.rule.destinations.count, 1)
        XCTAssertEqual(c.rule.matchNames, ["tcp"])
    }

    func testAbbreviationsInversionAndLists() throws {
        let c = try parse(["--app", "FORWARD", "!", "--src", "1.2.3.4", "--jump", "DROP"])
        defer { c.release() }
        XCTAssertEqual(c.commands, .append)
        XCTAssertEqual(c.rule.invflags & InvFlag.srcIP, InvFlag.srcIP)
        let l = try parse(["-A", "FORWARD", "-s", "1.1.1.1,2.2.2.2", "-d", "5.6.7.8,9.9.9.9"])
        defer { l.release() }
        XCTAssertEqual(l.rule.sources.count, 2)
        XCTAssertEqual(l.rule.destinations.count, 2)
        XCTAssertEqual(error(["-A", "FORWARD", "!", "-s", "1.1.1.1", "-d", "5.6.7.8,9.9.9.9"])?.message,
                       "! not allowed with multiple source or destination IP addresses")
    }

    func testListOptionsAndRuleNumbers() throws {
        let c = try parse(["-nvL", "INPUT", "3", "--line-numbers", "-x"])
        defer { c.release() }
        XCTAssertEqual(c.commands, .list)
        XCTAssertEqual(c.ruleNumber, 3)
        XCTAssertTrue(c.options.contains([.numeric, .verbose, .lineNumbers, .expanded]))
        XCTAssertTrue(c.rule.sources.isEmpty, "listing parses no addresses")
    }

    func testWaitForms() throws {
        for (args, wait) in [(["-w", "-L"], Int32(-1)), (["-w5", "-L"], 5), (["-L", "--wait", "7"], 7)] {
            let c = try parse(args)
            XCTAssertEqual(c.wait, wait, "\(args)")
            c.release()
        }
    }

    func testMessages() {
        XCTAssertEqual(error(["-L", "-A", "INPUT"])?.message, "Cannot use -A with -L")
        XCTAssertEqual(error(["--foo"])?.message, "unknown option \"--foo\"")
        XCTAssertEqual(error(["-A"])?.message, "option \"-A\" requires an argument")
        XCTAssertEqual(error(["-A", "INPUT", "-n", "-j", "ACCEPT"])?.message, "Illegal option `-n' with this command")
        XCTAssertEqual(error(["-A", "INPUT", "-s", "1.1.1.1", "-s", "2.2.2.2"])?.message, "multiple -s flags not allowed")
        XCTAssertEqual(error(["-A", "INPUT", "-m", "nosuchmatch"])?.message, "Couldn't load match `nosuchmatch':No such file or directory\n")
        XCTAssertEqual(error(["-A", "INPUT", "-p", "tcp", "--dport", "99999"])?.status, .parameter)
        XCTAssertEqual(error([])?.message, "no command specified")
        XCTAssertEqual(error(["-t", "nat", "-A", "PREROUTING", "-j", "DROP"])?.message,
                       "\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n")
    }

    func testNewChainNames() {
        XCTAssertEqual(error(["-N", "ACCEPT"])?.message, "chain name may not clash with target name")
        XCTAssertEqual(error(["-N", "-x"])?.message, "chain name not allowed to start with `-'")
        XCTAssertEqual(error(["-N", "a b"])?.message, "Invalid chain name `a b'")
        XCTAssertNil(error(["-N", "ok-chain"]))
    }
}
