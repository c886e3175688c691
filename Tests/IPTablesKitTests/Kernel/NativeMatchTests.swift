import CXtables
import Glibc
import XCTest
@testable import IPTablesKit

/// The native tcp, udp and comment forms on hand-made match blobs: what the plugins of
/// iptables 1.8.9 print for them (the differential case native-printers.cases compares
/// the same forms with iptables-legacy on rules in the kernel), and the cases left to the
/// plugin, which no rule iptables writes can reach.
final class NativeMatchTests: XCTestCase {
    /// An xt_entry_match: the 32-byte header (size, name, revision), then `data`.
    private func blob(_ name: String, data: [UInt8], size: Int? = nil) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 32)
        let total = UInt16(size ?? 32 + data.count)
        b[0] = UInt8(total & 0xFF)
        b[1] = UInt8(total >> 8)
        for (i, c) in name.utf8.enumerated() { b[2 + i] = c }
        return b + data
    }

    /// struct xt_tcp's bytes (host-order ports), padded to 16.
    private func tcp(sport: (UInt16, UInt16) = (0, 0xFFFF), dport: (UInt16, UInt16) = (0, 0xFFFF),
                     option: UInt8 = 0, mask: UInt8 = 0, cmp: UInt8 = 0, inv: UInt8 = 0) -> [UInt8] {
        var d = [UInt8](repeating: 0, count: 16)
        for (i, v) in [sport.0, sport.1, dport.0, dport.1].enumerated() {
            withUnsafeBytes(of: v) { d[2 * i] = $0[0]; d[2 * i + 1] = $0[1] }
        }
        d[8] = option; d[9] = mask; d[10] = cmp; d[11] = inv
        return d
    }

    /// The save form and the numeric list form of a blob; nil where the plugin must print.
    private func forms(_ kind: NativeMatch, _ b: [UInt8]) -> (save: String?, list: String?) {
        b.withUnsafeBytes { raw in
            let m = raw.baseAddress!.assumingMemoryBound(to: xt_entry_match.self)
            var s = LineWriter(), l = LineWriter()
            let saved = kind.save(m, into: &s), listed = kind.listNumeric(m, into: &l)
            return (saved ? s.text : nil,
                    listed ? l.text : nil)
        }
    }

    func testTCPPorts() {
        XCTAssertEqual(forms(.tcp, blob("tcp", data: tcp(dport: (22, 22)))).save, " --dport 22")
        XCTAssertEqual(forms(.tcp, blob("tcp", data: tcp(dport: (22, 22)))).list, " tcp dpt:22")
        let range = forms(.tcp, blob("tcp", data: tcp(sport: (1, 1024), dport: (80, 90), inv: 0x02)))
        XCTAssertEqual(range.save, " --sport 1:1024 ! --dport 80:90")
        XCTAssertEqual(range.list, " tcp spts:1:1024 dpts:!80:90")
        // An inverted full range: save leaves it out, the listing shows it.
        let full = forms(.tcp, blob("tcp", data: tcp(inv: 0x01)))
        XCTAssertEqual(full.save, "")
        XCTAssertEqual(full.list, " tcp spts:!0:65535")
    }

    func testTCPFlagsAndOption() {
        let syn = forms(.tcp, blob("tcp", data: tcp(mask: 0x17, cmp: 0x02, inv: 0x04)))
        XCTAssertEqual(syn.save, " ! --tcp-flags FIN,SYN,RST,ACK SYN")
        XCTAssertEqual(syn.list, " tcp flags:!0x17/0x02")
        let none = forms(.tcp, blob("tcp", data: tcp(mask: 0x3F, cmp: 0)))
        XCTAssertEqual(none.save, " --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE")
        XCTAssertEqual(forms(.tcp, blob("tcp", data: tcp(inv: 0x04))).save, " ! --tcp-flags NONE NONE")
        let option = forms(.tcp, blob("tcp", data: tcp(option: 0, inv: 0x08)))
        XCTAssertEqual(option.save, " ! --tcp-option 0")
        XCTAssertEqual(option.list, " tcp option=!0")
        XCTAssertEqual(forms(.tcp, blob("tcp", data: tcp(inv: 0xF0))).list, " tcp Unknown invflags: 0xF0")
        XCTAssertEqual(forms(.tcp, blob("tcp", data: tcp(inv: 0x10))).list, " tcp Unknown invflags: 0x10")
    }

    /// Flag bits without a name in the plugin's table, and a blob of another size, go to
    /// the plugin (nothing written); the numeric listing of such flags is hexadecimal.
    func testTCPLeftToThePlugin() {
        let ecn = forms(.tcp, blob("tcp", data: tcp(mask: 0xC0, cmp: 0x40)))
        XCTAssertNil(ecn.save)
        XCTAssertEqual(ecn.list, " tcp flags:0xC0/0x40")
        let short = forms(.tcp, blob("tcp", data: tcp(dport: (1, 1)), size: 40))
        XCTAssertNil(short.save)
        XCTAssertNil(short.list)
    }

    func testUDP() {
        var d = tcp(sport: (67, 68), dport: (53, 53))
        d[8] = 0x01
        let f = forms(.udp, blob("udp", data: d))
        XCTAssertEqual(f.save, " ! --sport 67:68 --dport 53")
        XCTAssertEqual(f.list, " udp spts:!67:68 dpt:53")
        d[8] = 0x04
        XCTAssertEqual(forms(.udp, blob("udp", data: d)).list, " udp spts:67:68 dpt:53 Unknown invflags: 0x4")
    }

    private func comment(_ text: String) -> (save: String?, list: String?) {
        var d = [UInt8](text.utf8.prefix(256))
        d += [UInt8](repeating: 0, count: 256 - d.count)
        return forms(.comment, blob("comment", data: d))
    }

    func testComment() {
        XCTAssertEqual(comment("a-b_C9").save, " --comment a-b_C9")
        XCTAssertEqual(comment("a-b_C9").list, " /* a-b_C9 */")
        XCTAssertEqual(comment("").save, " --comment \"\"")
        XCTAssertEqual(comment("two words").save, " --comment \"two words\"")
        XCTAssertEqual(comment("q\" b\\ s'").save, " --comment \"q\\\" b\\\\ s\\'\"")
        XCTAssertEqual(comment("q\" b\\ s'").list, " /* q\" b\\ s' */")
        // The last byte is never read: at most 255 bytes of text.
        let long = String(repeating: "x", count: 256)
        XCTAssertEqual(comment(long).save, " --comment " + String(repeating: "x", count: 255))
    }

    /// Only revision 0 of these names, with the data size the forms read.
    func testWhichPluginsQualify() {
        func plugin(_ name: String, revision: UInt8, size: Int, userSize: Int? = nil, family: UInt16 = 2) -> NativeMatch? {
            name.withCString { n in
                var p = xtables_match()
                p.name = n
                p.revision = revision
                p.family = family
                p.size = size
                p.userspacesize = userSize ?? size
                return withUnsafeMutablePointer(to: &p) { NativeMatch.of($0) }
            }
        }
        XCTAssertEqual(plugin("tcp", revision: 0, size: 16), .tcp)
        XCTAssertEqual(plugin("udp", revision: 0, size: 16), .udp)
        XCTAssertEqual(plugin("comment", revision: 0, size: 256), .comment)
        // The plugins' userspacesize: up to statistic's nth.count, limit's prev.
        XCTAssertEqual(plugin("statistic", revision: 0, size: 24, userSize: 12), .statistic)
        XCTAssertEqual(plugin("limit", revision: 0, size: 40, userSize: 8), .limit)
        XCTAssertEqual(plugin("multiport", revision: 1, size: 48), .multiport)
        XCTAssertEqual(plugin("conntrack", revision: 3, size: 168, family: 10), .conntrack)
        XCTAssertEqual(plugin("icmp", revision: 0, size: 8), .icmp)
        XCTAssertNil(plugin("icmp", revision: 0, size: 8, family: 10))
        XCTAssertNil(plugin("multiport", revision: 0, size: 48))
        XCTAssertNil(plugin("statistic", revision: 0, size: 24, userSize: 16))
        XCTAssertNil(plugin("tcp", revision: 1, size: 16))
        XCTAssertNil(plugin("udp", revision: 0, size: 24))
        XCTAssertNil(plugin("mark", revision: 0, size: 16))
    }
}

/// The statistic match's probability against printf's own "%.11f" of the same quotient.
final class StatisticFormTests: XCTestCase {
    private func printf11(_ p: UInt32) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([Double(p) / 2147483648.0]) { vsnprintf(&buffer, buffer.count, "%.11f", $0) }
        return String(cString: buffer)
    }

    private func ours(_ p: UInt32) -> String {
        var out = LineWriter()
        StatisticForm.putProbability(p, into: &out)
        return out.text
    }

    /// Every power of two (ties to even among them), their neighbours, and a spread of
    /// values up to 2^32 - 1.
    func testProbabilityAsPrintf() {
        var values: [UInt32] = [0, 1, 2, 3, 21, 22, 1 << 19, 3 << 19, 5 << 19, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF]
        for shift in 0..<32 {
            let v = UInt32(1) << shift
            values += [v, v &- 1, v &+ 1]
        }
        var x: UInt32 = 12345
        for _ in 0..<20000 {
            x = x &* 1_664_525 &+ 1_013_904_223
            values.append(x)
        }
        for p in values { XCTAssertEqual(ours(p), printf11(p), "probability \(p)") }
    }
}

/// The forms' refusals that no rule iptables writes can reach: the plugins would read past
/// their arrays and tables there, so those are left to them.
final class NativeFormLimitsTests: XCTestCase {
    private func multiport(count: UInt8, rangeAt: [Int]) -> MultiportForm? {
        var d = [UInt8](repeating: 0, count: 48)
        d[0] = 1
        d[1] = count
        for i in rangeAt { d[32 + i] = 1 }
        return d.withUnsafeBytes { MultiportForm($0.baseAddress!) }
    }

    func testMultiportWalk() {
        XCTAssertNotNil(multiport(count: 15, rangeAt: []))
        XCTAssertNil(multiport(count: 16, rangeAt: []))
        XCTAssertNotNil(multiport(count: 15, rangeAt: [13]))
        XCTAssertNil(multiport(count: 15, rangeAt: [14]))
        // Only the ports the count reaches are walked.
        XCTAssertNotNil(multiport(count: 1, rangeAt: [0, 14]))
    }

    func testRejectNames() {
        func name(_ with: UInt32) -> String? {
            withUnsafeBytes(of: with) { RejectForm.name($0.baseAddress!) }.map { "\($0)" }
        }
        XCTAssertEqual(name(3), "icmp-port-unreachable")
        XCTAssertEqual(name(7), "tcp-reset")
        XCTAssertNil(name(4))
        XCTAssertNil(name(9))
    }
}
