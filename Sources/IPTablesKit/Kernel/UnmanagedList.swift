/// A growable list of trivial values (pointers, plain structs) in one malloc'd buffer that
/// its owner frees with `deallocate()`. The table reader keeps its rules, labels and chains
/// in these rather than in arrays: every array of a new element type has its storage
/// class's metadata registered at run time (about 10,000 instructions each, at every
/// start of `iptables -S`), while a list of these is plain memory.
struct UnmanagedList<Element>: RandomAccessCollection, MutableCollection {
    private var base: UnsafeMutablePointer<Element>?
    private var capacity = 0
    /// The number of elements.
    private(set) var count = 0

    /// An empty list (nothing allocated yet).
    init() {
        precondition(_isPOD(Element.self), "UnmanagedList holds trivial values only")
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> Element {
        get {
            precondition(i >= 0 && i < count, "UnmanagedList: index out of range")
            return base![i]
        }
        set {
            precondition(i >= 0 && i < count, "UnmanagedList: index out of range")
            base![i] = newValue
        }
    }

    /// Room for at least `n` elements (the elements are kept).
    mutating func reserveCapacity(_ n: Int) {
        guard n > capacity else { return }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: n)
        if let old = base {
            grown.moveInitialize(from: old, count: count)
            old.deallocate()
        }
        base = grown
        capacity = n
    }

    mutating func append(_ e: Element) {
        if count == capacity { reserveCapacity(Swift.max(8, capacity * 2)) }
        (base! + count).initialize(to: e)
        count += 1
    }

    /// Appends the elements of a buffer, in order. The buffer must not point into this list
    /// (growing it frees the old elements before they are copied).
    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let from = elements.baseAddress, !elements.isEmpty else { return }
        if count + elements.count > capacity { reserveCapacity(Swift.max(count + elements.count, capacity * 2)) }
        (base! + count).initialize(from: from, count: elements.count)
        count += elements.count
    }

    /// Empties the list, keeping its buffer.
    mutating func removeAll() { count = 0 }

    /// Puts `e` at position `i`, the elements from there on one place later.
    mutating func insert(_ e: Element, at i: Int) {
        precondition(i >= 0 && i <= count, "UnmanagedList: index out of range")
        if count == capacity { reserveCapacity(Swift.max(8, capacity * 2)) }
        (base! + i + 1).moveInitialize(from: base! + i, count: count - i)
        (base! + i).initialize(to: e)
        count += 1
    }

    mutating func removeLast() {
        precondition(count > 0, "UnmanagedList: removeLast of an empty list")
        count -= 1
    }

    /// `n` elements written in place by `fill` (which returns how many it wrote, at most
    /// `n`), replacing the list's contents.
    mutating func fill(capacity n: Int, _ fill: (UnsafeMutablePointer<Element>) -> Int) {
        count = 0
        reserveCapacity(Swift.max(n, 1))
        let written = fill(base!)
        precondition(written >= 0 && written <= n, "UnmanagedList: filled past the capacity")
        count = written
    }

    /// The elements as a buffer, to read and write in place.
    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }

    /// Frees the buffer; the list is empty afterwards.
    mutating func deallocate() {
        base?.deallocate()
        base = nil
        capacity = 0
        count = 0
    }
}
