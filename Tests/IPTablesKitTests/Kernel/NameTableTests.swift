import XCTest
@testable import IPTablesKit

/// NameTable (name_table.c) against a Dictionary given the same puts and removals: the
/// same answers at every step, through growth and tombstone reuse.
final class NameTableTests: XCTestCase {
    func testAnswersAsADictionary() {
        let table = NameTable()
        var model: [String: Int] = [:]
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        // Names from a small pool (so removals and re-insertions meet), long and short.
        let pool = (0..<3000).map { i in i % 3 == 0 ? "c\(i)" : "KUBE-SEP-\(String(i * 7919, radix: 16).uppercased())" }
        for step in 0..<40000 {
            let name = pool[next(pool.count)]
            switch next(4) {
            case 0, 1:
                let v = next(1000)
                XCTAssertEqual(table.updateValue(v, forKey: name), model.updateValue(v, forKey: name), "step \(step)")
            case 2:
                table.remove(name)
                model[name] = nil
            default:
                XCTAssertEqual(table[name], model[name], "step \(step)")
            }
            XCTAssertEqual(table.count, model.count)
        }
        for name in pool { XCTAssertEqual(table.contains(name), model[name] != nil, name) }
        XCTAssertNil(table[""])
        table.insert("")
        XCTAssertEqual(table[""], 0)
    }
}
