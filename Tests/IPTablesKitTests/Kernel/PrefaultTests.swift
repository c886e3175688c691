import CXtables
import Glibc
import XCTest

/// prefault.c: memory made present in one step is written afterwards without page faults,
/// and a heap reservation serves the large block that follows it from present pages.
final class PrefaultTests: XCTestCase {
    /// Minor page faults of this process so far (MADV_POPULATE_WRITE counts its own too,
    /// so only the writes are measured between two readings).
    private func minorFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }

    /// Writes one byte a page.
    private func touch(_ p: UnsafeMutableRawPointer, _ length: Int) {
        for offset in stride(from: 0, to: length, by: 4096) { p.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self) }
    }

    /// Asserts that `block` is a heap block (below the break), not a mapping of its own.
    private func assertHeapBlock(_ block: UnsafeMutableRawPointer, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(UInt(bitPattern: block), UInt(bitPattern: sbrk(0)), "a heap block, not a mapping",
                          file: file, line: line)
    }

    /// Writes a byte a page of the block and asserts that hardly any page faulted.
    private func assertWrittenWithoutFaults(_ block: UnsafeMutableRawPointer, _ length: Int, _ what: String,
                                            file: StaticString = #filePath, line: UInt = #line) {
        let before = minorFaults()
        touch(block, length)
        XCTAssertLessThan(minorFaults() - before, 64, "\(length / 4096) pages of \(what)", file: file, line: line)
    }

    /// Whether the kernel has MADV_POPULATE_WRITE (5.14 and later); without it both
    /// functions leave pages to fault as before, which the tests cannot tell from a bug.
    private func populateSupported() throws {
        let length = 4096
        guard let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            throw XCTSkip("mmap failed")
        }
        defer { munmap(p, length) }
        if madvise(p, length, 23) != 0 { throw XCTSkip("no MADV_POPULATE_WRITE on this kernel") }
    }

    func testPopulatedPagesAreWrittenWithoutFaults() throws {
        try populateSupported()
        let length = 256 * 4096
        guard let p = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else {
            return XCTFail("mmap failed")
        }
        defer { munmap(p, length) }
        shim_populate(p, length)
        let before = minorFaults()
        touch(p, length)
        XCTAssertLessThan(minorFaults() - before, 16, "256 populated pages")
    }

    func testAReservedHeapServesTheNextLargeBlockFromPresentPages() throws {
        try populateSupported()
        let length = 8 << 20
        shim_heap_reserve(length + (1 << 20))
        // Above malloc's default mmap threshold: without the reservation this block would be
        // a fresh mapping, faulting page by page.
        guard let block = malloc(length) else { return XCTFail("malloc failed") }
        defer { free(block) }
        assertWrittenWithoutFaults(block, length, "a reserved heap")
    }

    /// After the one-shot settings a block bigger than any reservation of these tests (so
    /// not served by one) comes from the heap, below its end, and freeing it keeps its
    /// pages: the heap does not shrink, and the next such block is written without page
    /// faults. A later reservation leaves the settings as they are. (The settings stay for
    /// the rest of this test process, as they would for a tool's.)
    func testOneShotHeapReusesFreedLargeBlocks() {
        shim_heap_for_one_shot()
        let length = 20 << 20
        guard let first = malloc(length) else { return XCTFail("malloc failed") }
        assertHeapBlock(first)
        touch(first, length)
        free(first)
        let end = sbrk(0)
        shim_heap_reserve(1 << 20)
        guard let second = malloc(length) else { return XCTFail("malloc failed") }
        defer { free(second) }
        assertHeapBlock(second)
        assertWrittenWithoutFaults(second, length, "a block freed and taken again")
        XCTAssertGreaterThanOrEqual(UInt(bitPattern: sbrk(0)), UInt(bitPattern: end), "the heap was trimmed")
    }

    /// In one-shot mode a reservation past malloc's largest mmap threshold (a table of
    /// 100,000 rules) is not cut to it: malloc stops mapping, and a block of that size
    /// comes from the populated heap. (malloc's mappings stay off for the rest of this test
    /// process, as they would for a tool's.)
    func testOneShotReservationPastTheLargestThresholdComesWhole() throws {
        try populateSupported()
        shim_heap_for_one_shot()
        let length = 40 << 20
        shim_heap_reserve(length + (1 << 20))
        guard let block = malloc(length) else { return XCTFail("malloc failed") }
        defer { free(block) }
        assertHeapBlock(block)
        assertWrittenWithoutFaults(block, length, "a reserved heap")
    }

    func testSmallReservationsAndPopulatingNothingAreHarmless() {
        shim_heap_reserve(0)
        shim_heap_reserve(4096)
        var byte: UInt8 = 0
        shim_populate(&byte, 1)  // no whole page inside: nothing to do
        shim_populate(&byte, 0)
        guard let block = malloc(64) else { return XCTFail("malloc failed") }
        free(block)
    }
}
