import XCTest
@testable import IPTablesKit

/// UnmanagedList against an Array given the same appends, inserts and removals.
final class UnmanagedListTests: XCTestCase {
    func testBehavesAsAnArray() {
        var list = UnmanagedList<Int>()
        defer { list.deallocate() }
        var model: [Int] = []
        XCTAssertTrue(list.isEmpty)
        for i in 0..<100 {
            if i % 7 == 3 {
                let at = (i * 13) % (model.count + 1)
                list.insert(i, at: at)
                model.insert(i, at: at)
            } else {
                list.append(i)
                model.append(i)
            }
            if i % 11 == 10 {
                list.removeLast()
                model.removeLast()
            }
            XCTAssertEqual(Array(list), model, "step \(i)")
        }
        list[5] = -1
        model[5] = -1
        list.buffer[6] = -2
        model[6] = -2
        XCTAssertEqual(Array(list), model)
        XCTAssertEqual(list.firstIndex(of: -2), 6)
    }

    /// A buffer appended whole, past the capacity (an empty one appends nothing); an emptied
    /// list keeps its buffer and takes new elements from the start.
    func testAppendContentsOfAndRemoveAll() {
        var list = UnmanagedList<Int>()
        defer { list.deallocate() }
        let chunk = Array(0..<20)
        chunk.withUnsafeBufferPointer { list.append(contentsOf: $0) }
        chunk.withUnsafeBufferPointer { list.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<0])) }
        chunk.withUnsafeBufferPointer { list.append(contentsOf: $0) }
        XCTAssertEqual(Array(list), chunk + chunk)
        list.removeAll()
        XCTAssertTrue(list.isEmpty)
        list.append(7)
        chunk.withUnsafeBufferPointer { list.append(contentsOf: UnsafeBufferPointer(rebasing: $0[3..<5])) }
        XCTAssertEqual(Array(list), [7, 3, 4])
    }

    func testFillReplacesTheContents() {
        var list = UnmanagedList<UInt32>()
        defer { list.deallocate() }
        list.append(9)
        list.fill(capacity: 4) { p in
            for i in 0..<3 { p[i] = UInt32(i * 10) }
            return 3
        }
        XCTAssertEqual(Array(list), [0, 10, 20])
        list.deallocate()
        XCTAssertEqual(list.count, 0)
    }
}
