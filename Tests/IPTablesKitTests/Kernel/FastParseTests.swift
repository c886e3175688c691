import CXtables
import Glibc
import XCTest
@testable import IPTablesKit

/// The shortcuts of fast_parse.c against the libxtables functions they stand in for:
/// a plain IPv4 address gives xtables_ipparse_multiple's address and mask, any other
/// form is left to it; a final check skipped is one xtables_options_fcheck passes.
final class FastParseTests: XCTestCase {
    override func setUpWithError() throws {
        let context = try XtablesContext(family: .ipv4, programName: "iptables", output: TextSink(), diagnostics: TextSink())
        try context.activate()
    }

    /// The shortcut's reading of a word, or nil when it leaves the word to libxtables.
    private func fast(_ spec: String) -> [UInt8]? {
        var a = [UInt8](repeating: 0, count: 4), m = [UInt8](repeating: 0, count: 4)
        return fast_plain_ipv4(spec, &a, &m) ? a + m : nil
    }

    /// libxtables' reading of a word that holds one numeric address.
    private func libxtables(_ spec: String) -> [UInt8] {
        var addrs: UnsafeMutablePointer<in_addr>?, masks: UnsafeMutablePointer<in_addr>?
        var count: UInt32 = 0
        xtables_ipparse_multiple(spec, &addrs, &masks, &count)
        defer { free(addrs); free(masks) }
        XCTAssertEqual(count, 1, spec)
        return withUnsafeBytes(of: addrs!.pointee) { Array($0) } + withUnsafeBytes(of: masks!.pointee) { Array($0) }
    }

    func testPlainAddressesReadAsLibxtablesReadsThem() {
        var words = ["0.0.0.0", "255.255.255.255", "1.2.3.4/0", "1.2.3.4/32", "10.0.0.1/8", "192.168.255.254/31",
                     "172.20.32.7/24", "100.64.0.0/10", "9.99.199.249/1"]
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next(_ n: UInt64) -> UInt64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return (seed >> 33) % n
        }
        for _ in 0..<5000 {
            let quad = (0..<4).map { _ in String(next(256)) }.joined(separator: ".")
            words.append(next(3) == 0 ? quad : quad + "/" + String(next(33)))
        }
        for w in words {
            guard let f = fast(w) else { return XCTFail("\(w) left to libxtables") }
            XCTAssertEqual(f, libxtables(w), w)
        }
    }

    /// Forms libxtables reads otherwise (octal, hex, short quads, dotted masks) or refuses
    /// (out of range, spaces, lists) must be left to it.
    func testOtherFormsAreLeftToLibxtables() {
        for w in ["010.0.0.1", "1.2.3.04", "0x1.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.4/", "1.2.3.4/33", "1.2.3.4/024",
                  "1.2.3.4/0x8", "1.2.3.4/255.255.0.0", "256.1.1.1", "1.2.3.4,5.6.7.8", " 1.2.3.4", "1.2.3.4 ",
                  "+1.2.3.4", "-1.2.3.4", "1.2.3.4/+8", "1..3.4", "1.2.3.", "", "localhost", "1.2.3.4/8/8", "1000.1.1.1",
                  "1.2.3.4/100", "::1", "1.2.3.4//8"] {
            XCTAssertNil(fast(w), w)
        }
    }

    /// Every flag combination of the option tables of the extensions at hand: where the
    /// shortcut skips xtables_options_fcheck, the check itself passes.
    func testSkippedFinalChecksPass() {
        var tables: [(String, UnsafePointer<xt_option_entry>)] = []
        for name in ["comment", "conntrack", "limit", "statistic", "multiport", "icmp", "mark", "hashlimit", "recent",
                     "connlimit", "iprange", "length", "ttl", "time", "string", "set", "addrtype", "state", "owner"] {
            var found: UnsafeMutablePointer<xtables_match>?
            if shim_find_match(name, XTF_TRY_LOAD, nil, &found) == 0, let m = found, let o = m.pointee.x6_options {
                tables.append((name, o))
            }
        }
        for name in ["DNAT", "SNAT", "MASQUERADE", "REDIRECT", "REJECT", "LOG", "MARK", "CONNMARK", "CT", "NFLOG",
                     "NFQUEUE", "TCPMSS", "TPROXY", "SET", "HMARK", "TOS", "DSCP", "CLASSIFY", "SYNPROXY"] {
            var found: UnsafeMutablePointer<xtables_target>?
            if shim_find_target(name, XTF_TRY_LOAD, &found) == 0, let t = found, let o = t.pointee.x6_options {
                tables.append((name, o))
            }
        }
        XCTAssertGreaterThan(tables.count, 20)
        var skipped = 0, checked = 0
        for (name, table) in tables {
            var ids = Set<UInt32>()
            var e = table
            while e.pointee.name != nil { ids.insert(e.pointee.id); e += 1 }
            let bits = ids.sorted().filter { $0 < 32 }
            // All subsets of up to 10 ids; beyond that, the subsets of the first 10 plus each other bit.
            let used = Array(bits.prefix(10))
            for subset in 0..<(1 << used.count) {
                var flags: UInt32 = 0
                for (i, id) in used.enumerated() where subset & (1 << i) != 0 { flags |= 1 << id }
                for extra in [0] + bits.dropFirst(10).map({ UInt32(1) << $0 }) {
                    let xflags = flags | extra
                    checked += 1
                    if fast_fcheck_may_fail(xflags, table) { continue }
                    skipped += 1
                    XCTAssertEqual(shim_options_fcheck(name, xflags, table), 0, "\(name) flags \(xflags)")
                }
            }
        }
        XCTAssertGreaterThan(skipped, checked / 10)
    }
}
