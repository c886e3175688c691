import XCTest
@testable import IPTablesKit

/// BuiltinChains: the hook names the everyday commands ask one by one are those of the
/// public table, and every table's built-in chains are hook names in hook order.
final class BuiltinChainsTests: XCTestCase {
    /// The kernel's hook numbers: NF_INET_PRE_ROUTING 0, LOCAL_IN 1, FORWARD 2, LOCAL_OUT 3,
    /// POST_ROUTING 4.
    func testHookNamesInTheKernelsOrder() {
        XCTAssertEqual(BuiltinChains.byHook.map { "\($0)" }, ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"])
        XCTAssertEqual((0..<BuiltinChains.hookCount).map { "\(BuiltinChains.name(ofHook: $0))" },
                       BuiltinChains.byHook.map { "\($0)" })
    }

    func testEveryTablesBuiltinsAreHooksInOrder() {
        let hooks = (0..<BuiltinChains.hookCount).map { "\(BuiltinChains.name(ofHook: $0))" }
        for (table, chains) in BuiltinChains.byTable {
            let positions = chains.compactMap { hooks.firstIndex(of: $0) }
            XCTAssertEqual(positions.count, chains.count, table)
            XCTAssertEqual(positions, positions.sorted(), table)
        }
    }
}

extension BuiltinChainsTests {
    func testIsTableNameIsTheTablesOfByTable() {
        func isTable(_ s: String) -> Bool { Array(s.utf8).withUnsafeBufferPointer { BuiltinChains.isTableName($0) } }
        for table in BuiltinChains.byTable.keys { XCTAssertTrue(isTable(table), table) }
        for other in ["", "filte", "filters", "NAT", "broute", "inet", "security ", "mangle\t"] {
            XCTAssertFalse(isTable(other), other)
        }
    }
}
