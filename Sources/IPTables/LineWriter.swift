import CXtables

/// A byte buffer in front of C stdout for the listing and save printers: rules are built
/// here without String allocations and written with one fwrite. It must be flushed before
/// an extension prints (extensions write to C stdout themselves) and at the end of a line.
struct LineWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(512) }

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

    /// Writes what is buffered to C stdout.
    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { shim_out($0.baseAddress!, $0.count) }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
