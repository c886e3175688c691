/// Where a printer's text goes. The tools write to C standard output (the stream the
/// extensions print to, so both stay in order); the library and the tests collect text in
/// a `TextSink`, and extension output is then captured into it.
public protocol OutputSink: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer)
    /// Whether this is the process's C standard output: extensions may print straight to it.
    var isStandardOutput: Bool { get }
    /// Pushes out anything buffered (a no-op for memory sinks).
    func flush()
}

extension OutputSink {
    /// Appends a string's UTF-8 bytes.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Nothing to push out by default.
    public func flush() {}
}

/// Collects output in memory.
public final class TextSink: OutputSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// Appends the bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) { self.bytes.append(contentsOf: bytes) }
    /// A memory sink is never stdout.
    public var isStandardOutput: Bool { false }

    /// Everything written so far, as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
