/// A byte buffer in front of an output sink for the listing and save printers: rules are
/// built here without String allocations and handed on in one write. When the sink is C
/// stdout it must be flushed before an extension prints (extensions write to C stdout
/// themselves); otherwise the extension's output is captured and appended here.
struct LineWriter {
    private(set) var bytes: [UInt8] = []
    /// Where `flush` sends the bytes; nil keeps them (for building strings).
    let sink: OutputSink?

    init(sink: OutputSink? = nil) {
        self.sink = sink
        bytes.reserveCapacity(512)
    }

    /// Whether extensions may print straight to C stdout after a flush.
    var extensionsPrintDirectly: Bool { sink?.isStandardOutput ?? false }

    /// Hands the bytes to C stdio now when the sink is C stdout: text reaches stdio at
    /// the points where iptables printf's it, so that libxtables' own stderr messages
    /// interleave with it as they do with iptables'.
    mutating func flushIfDirect() {
        if extensionsPrintDirectly { flush() }
    }

    /// Appends raw bytes (captured extension output).
    mutating func put(bytes more: UnsafeRawBufferPointer) { bytes.append(contentsOf: more) }

    /// Bytes gathered and not yet written.
    var count: Int { bytes.count }

    mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func put(cString p: UnsafePointer<CChar>) {
        var q = UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self)
        while q.pointee != 0 { bytes.append(q.pointee); q += 1 }
    }

    mutating func put(byte: UInt8) { bytes.append(byte) }

    /// A decimal number.
    mutating func put(_ n: UInt64) {
        if n < 10 { bytes.append(0x30 + UInt8(n)); return }
        var divisor: UInt64 = 10
        while divisor <= n / 10 { divisor *= 10 }
        var rest = n
        while divisor > 0 {
            bytes.append(0x30 + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Spaces up to `width` bytes written since `start` ("%-Ns" after the fact).
    mutating func pad(from start: Int, to width: Int) {
        let written = bytes.count - start
        if written < width { bytes.append(contentsOf: repeatElement(0x20, count: width - written)) }
    }

    /// Inserts spaces before the bytes written since `index` (right-justifying them).
    mutating func bytes_insertSpaces(at index: Int, count: Int) {
        bytes.insert(contentsOf: repeatElement(0x20, count: count), at: index)
    }

    /// Hands what is buffered to the sink.
    mutating func flush() {
        guard !bytes.isEmpty, let sink else { return }
        bytes.withUnsafeBytes { sink.write($0) }
        bytes.removeAll(keepingCapacity: true)
    }
}
