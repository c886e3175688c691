import CXtables

/// Writes to C stdout, the stream extensions print to, so that our text and theirs
/// stay in order. All tool output goes through here.
enum Out {
    static func write(_ s: String) {
        var s = s
        s.withUTF8 { shim_out(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
    }

    static func error(_ s: String) {
        var s = s
        s.withUTF8 { shim_err(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
    }

    static func flush() { shim_flush() }
}

/// printf-style padding helpers for the fixed-width listing columns.
extension String {
    /// Left-justified in `width` columns ("%-Ns").
    func padRight(_ width: Int) -> String {
        let n = utf8.count
        return n >= width ? self : self + String(repeating: " ", count: width - n)
    }

    /// Right-justified in `width` columns ("%Ns").
    func padLeft(_ width: Int) -> String {
        let n = utf8.count
        return n >= width ? self : String(repeating: " ", count: width - n) + self
    }
}

/// Reads the caught shim error as Swift values.
func shimStatus() -> Int32 { shim_error_status() }
func shimMessage() -> String { String(cString: shim_error_message()) }
