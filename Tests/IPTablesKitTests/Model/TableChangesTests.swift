import XCTest
@testable import IPTablesKit

/// Comparing saved tables: the shortest edit script per chain, chains, policies.
final class TableChangesTests: XCTestCase {
    func testEditScriptRemovesAndAddsWhatMoved() {
        XCTAssertEqual(EditScript.between(["a", "b", "c"], ["b", "a", "c"]), [.remove(0), .add(1)])
        XCTAssertEqual(EditScript.between(["a", "b"], ["a", "b"]), [])
        XCTAssertEqual(EditScript.between([], ["x"]), [.add(0)])
        XCTAssertEqual(EditScript.between(["x", "y"], []), [.remove(0), .remove(1)])
        XCTAssertEqual(EditScript.between(["a", "b", "c", "d"], ["a", "x", "c", "d"]), [.remove(1), .add(1)])
    }

    /// On random lists: applying the script turns one into the other, in the fewest steps
    /// (n + m - 2 LCS).
    func testEditScriptIsShortestAndRight() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let a = (0..<Int.random(in: 0...12, using: &rng)).map { _ in String(Int.random(in: 0...4, using: &rng)) }
            let b = (0..<Int.random(in: 0...12, using: &rng)).map { _ in String(Int.random(in: 0...4, using: &rng)) }
            let steps = EditScript.between(a, b)
            var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
            XCTAssertEqual(steps.count, a.count + b.count - 2 * lcs[0][0], "\(a) \(b)")
            let removed = Set(steps.compactMap { if case .remove(let i) = $0 { return i } else { return nil } })
            let added = Set(steps.compactMap { if case .add(let j) = $0 { return j } else { return nil } })
            let kept = a.indices.filter { !removed.contains($0) }.map { a[$0] }
            let common = b.indices.filter { !added.contains($0) }.map { b[$0] }
            XCTAssertEqual(kept, common, "\(a) \(b)")
        }
    }

    func testChainsPoliciesAndRules() {
        let old = SavedTables("*filter\n:INPUT ACCEPT [1:2]\n:OLD - [0:0]\n[5:6] -A INPUT -j OLD\n-A OLD -j RETURN\nCOMMIT\n")
        let new = SavedTables("*filter\n:INPUT DROP [0:0]\n:NEW - [0:0]\n-A INPUT -j NEW\nCOMMIT\n")
        let changes = TableDiff.changes(from: old, to: new, tables: ["filter"])
        XCTAssertEqual(DiffFormat.text(changes), """
            *filter
            -:OLD -
            +:NEW -
            -:INPUT ACCEPT
            +:INPUT DROP
            --A INPUT -j OLD
            +-A INPUT -j NEW
            --A OLD -j RETURN

            """)
        XCTAssertEqual(DiffFormat.summary(changes), "changed (+1 -2 rules, 2 chains, 1 policies)")
        XCTAssertEqual(TableDiff.changes(from: old, to: old, tables: ["filter"]), [])
    }

    func testATableNotLoadedIsFreshBuiltins() {
        let new = SavedTables("*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n")
        XCTAssertEqual(TableDiff.changes(from: SavedTables(""), to: new, tables: ["raw"]), [])
    }
}
