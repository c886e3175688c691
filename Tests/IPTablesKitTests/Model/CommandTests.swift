import XCTest
@testable import IPTablesKit

final class CommandTests: XCTestCase {
    func testCommandLetters() {
        XCTAssertEqual(Commands.append.letter, "A")
        XCTAssertEqual(Commands.zeroNum.letter, "Z")
        XCTAssertEqual(Commands([.list, .zero]).letter, "Z")
        XCTAssertEqual(Commands.check.letter, "C")
    }

    func testOptionLegality() {
        XCTAssertEqual(OptionLegality.firstIllegal([.numeric], for: .append)?.letter, "n")
        XCTAssertNil(OptionLegality.firstIllegal([.numeric, .verbose], for: .list))
        XCTAssertEqual(OptionLegality.firstIllegal([.source], for: .list)?.letter, "s")
        XCTAssertEqual(OptionLegality.firstIllegal([.lineNumbers], for: .insert)?.letter, "0")
        XCTAssertNil(OptionLegality.firstIllegal([.counters], for: .setPolicy))
        XCTAssertEqual(OptionLegality.firstIllegal([.counters], for: .delete)?.letter, "c")
        // -L -Z: an option legal with either command is legal.
        XCTAssertNil(OptionLegality.firstIllegal([.numeric], for: [.list, .zero]))
    }

    func testErrorRendering() {
        let r = ErrorRenderer(programName: "iptables", version: "1.8.9 (legacy)")
        XCTAssertEqual(r.render(.parameter("no command specified")),
                       "iptables v1.8.9 (legacy): no command specified\nTry `iptables -h' or 'iptables --help' for more information.\n")
        XCTAssertEqual(r.render(IPTablesError(.version, "can't initialize iptables table `x': y")),
                       "iptables v1.8.9 (legacy): can't initialize iptables table `x': y\nPerhaps iptables or your kernel needs to be upgraded.\n")
        XCTAssertEqual(r.render(IPTablesError(.other, "plain\n", style: .plain)), "plain\n")
        let restore = ErrorRenderer(programName: "iptables-restore", version: "1.8.9 (legacy)", line: 2)
        XCTAssertEqual(restore.render(IPTablesError(.parameter, "Bad argument `x'\n", style: .tryHelp)),
                       "Bad argument `x'\nError occurred at line: 2\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n")
    }

    func testNumbersAsSscanfReadsThem() {
        XCTAssertEqual(CNumber.scanInt("5"), 5)
        XCTAssertEqual(CNumber.scanInt("0x10"), 16)
        XCTAssertEqual(CNumber.scanInt("7s"), 7)
        XCTAssertNil(CNumber.scanInt("abc"))
        XCTAssertEqual(CNumber.scanUnsigned(" 12"), 12)
        XCTAssertNil(CNumber.scanUnsigned(""))
    }
}
