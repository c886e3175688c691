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
