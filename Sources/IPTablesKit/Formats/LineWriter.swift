import Glibc

/// A byte buffer in front of an output sink for the listing and save printers: rules are
/// built here without String allocations and handed on in one write. When the sink is C
/// stdout it must be flushed before an extension prints (extensions write to C stdout
/// themselves); otherwise the extension's output is captured and appended here.
struct LineWriter {
    /// The bytes gathered are the buffer's first `count`; the rest is room already
    /// allocated, so that a put is one capacity test and one copy. The buffer is a class
    /// of our own rather than an array: an array asks whether it is uniquely referenced
    /// at every write (a twentieth of a 100k-rule listing). Writers are not copied while
    /// they are written to (a copy would share the buffer); reading a copy is fine.
    private let buffer: LineBuffer
    /// Bytes gathered and not yet written.
    private(set) var count = 0
    /// Where `flush` sends the bytes; nil keeps them (for building strings).
    let sink: OutputSink?

    /// A writer to a sink starts with room for a few lines; one that builds a string
    /// (made per rule by some callers) starts small.
    init(sink: OutputSink? = nil) {
        self.sink = sink
        extensionsPrintDirectly = sink?.isStandardOutput ?? false
        buffer = LineBuffer(capacity: sink == nil ? 64 : 512)
    }

    /// The bytes gathered, to read inside `body` only.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(buffer) { try body(UnsafeRawBufferPointer(start: buffer.base, count: count)) }
    }

    /// The bytes gathered as text.
    var text: String { withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Whether extensions may print straight to C stdout after a flush (asked of the sink
    /// once: a listing asks twice a rule).
    let extensionsPrintDirectly: Bool

    /// Hands the bytes to C stdio now when the sink is C stdout: text reaches stdio at
    /// the points where iptables printf's it, so that libxtables' own stderr messages
    /// interleave with it as they do with iptables'.
    mutating func flushIfDirect() {
        if extensionsPrintDirectly { flush() }
    }

    /// Makes room for `n` more bytes; where they go.
    @inline(__always)
    private func room(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if buffer.capacity - count < n { buffer.grow(to: count + n, keeping: count) }
        return buffer.base + count
    }

    /// Appends `n` bytes from `p`.
    @inline(__always)
    private mutating func put(raw p: UnsafeRawPointer, count n: Int) {
        guard n > 0 else { return }
        let to = room(n)
        if n <= 16 {
            // Words and names: a loop costs less than the call to memcpy.
            for i in 0..<n { to[i] = p.load(fromByteOffset: i, as: UInt8.self) }
        } else {
            UnsafeMutableRawPointer(to).copyMemory(from: p, byteCount: n)
        }
        count += n
    }

    /// Appends raw bytes (captured extension output).
    @inline(__always)
    mutating func put(bytes more: UnsafeRawBufferPointer) {
        if let p = more.baseAddress { put(raw: p, count: more.count) }
    }

    /// Literal text ("-A ", " -j "): preferred to the String form for literals.
    @inline(__always)
    mutating func put(_ s: StaticString) {
        put(raw: s.utf8Start, count: s.utf8CodeUnitCount)
    }

    /// Text of a String. Disfavoured so that a literal (`put(" -j ")`) takes the
    /// StaticString form, which copies without asking the String for its bytes.
    @_disfavoredOverload
    mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { if let p = $0.baseAddress { put(raw: p, count: $0.count) } }
    }

    @inline(__always)
    mutating func put(cString p: UnsafePointer<CChar>) {
        put(raw: p, count: strlen(p))
    }

    @inline(__always)
    mutating func put(byte: UInt8) {
        room(1).pointee = byte
        count += 1
    }

    /// A decimal number.
    mutating func put(_ n: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { d in
            var rest = n, i = d.count
            repeat {
                i -= 1
                d[i] = 0x30 + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            put(raw: d.baseAddress! + i, count: d.count - i)
        }
    }

    /// Spaces up to `width` bytes written since `start` ("%-Ns" after the fact).
    mutating func pad(from start: Int, to width: Int) {
        let written = count - start
        guard written < width else { return }
        let n = width - written
        room(n).initialize(repeating: 0x20, count: n)
        count += n
    }

    /// Inserts spaces before the bytes written since `index` (right-justifying them).
    mutating func bytes_insertSpaces(at index: Int, count n: Int) {
        precondition(index >= 0 && index <= count, "insertion point outside the bytes written")
        guard n > 0 else { return }
        _ = room(n)
        let tail = count - index, at = buffer.base + index
        memmove(at + n, at, tail)
        at.initialize(repeating: 0x20, count: n)
        count += n
    }

    /// Hands what is buffered to the sink.
    mutating func flush() {
        guard count > 0, let sink else { return }
        withBytes { sink.write($0) }
        count = 0
    }
}

/// The bytes of a LineWriter: malloc'd, grown by doubling, freed with the last writer.
fileprivate final class LineBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Room for at least `needed` bytes, the first `kept` carried over.
    func grow(to needed: Int, keeping kept: Int) {
        var size = Swift.max(64, capacity * 2)
        while size < needed { size *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: base, count: kept)
        base.deallocate()
        base = bigger
        capacity = size
    }
}
