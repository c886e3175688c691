import Glibc

/// Pieces of text the native extension forms (NativeMatch, NativeTarget) share with
/// libxtables and the plugins' printf formats.
enum NativeText {
    /// Upper-case hexadecimal as printf's %X (no padding) and %02X write a byte.
    static func putHex(_ value: UInt8, padded: Bool, into out: inout LineWriter) {
        let digits: StaticString = "0123456789ABCDEF"
        let high = Int(value >> 4), low = Int(value & 0x0F)
        if padded || high != 0 { out.put(byte: digits.utf8Start[high]) }
        out.put(byte: digits.utf8Start[low])
    }

    /// A string as xtables_save_string writes it, after a space: bare when it is all
    /// letters, digits, '_' and '-' (and not empty); otherwise in double quotes, with '"',
    /// '\' and '\'' escaped by a backslash.
    static func saveString(_ text: UnsafeRawBufferPointer, into out: inout LineWriter) {
        if !text.isEmpty && text.allSatisfy(isBare) {
            out.put(byte: 0x20)
            out.put(bytes: text)
            return
        }
        out.put(" \"")
        var start = 0
        for (i, c) in text.enumerated() where c == 0x22 || c == 0x5C || c == 0x27 {
            out.put(bytes: UnsafeRawBufferPointer(rebasing: text[start..<i]))
            out.put(byte: 0x5C)
            out.put(byte: c)
            start = i + 1
        }
        out.put(bytes: UnsafeRawBufferPointer(rebasing: text[start...]))
        out.put(byte: 0x22)
    }

    /// Letters, digits, '_' and '-': the characters xtables_save_string leaves unquoted.
    private static func isBare(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: return true
        default: return false
        }
    }

    /// A C string stored in a fixed field: its bytes up to the first NUL within `limit`.
    static func field(_ p: UnsafeRawPointer, limit: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: p, count: strnlen(p.assumingMemoryBound(to: CChar.self), limit))
    }
}
