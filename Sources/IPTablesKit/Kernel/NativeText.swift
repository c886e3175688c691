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
        // One pass over a class table: does anything need quotes, or a backslash?
        var classes: UInt8 = text.isEmpty ? quoted : 0
        for c in text { classes |= saveClass[Int(c)] }
        if classes == 0 {
            out.put(byte: 0x20)
            out.put(bytes: text)
            return
        }
        out.put(" \"")
        if classes & escaped == 0 {
            out.put(bytes: text)
        } else {
            var start = 0
            for (i, c) in text.enumerated() where saveClass[Int(c)] & escaped != 0 {
                out.put(bytes: UnsafeRawBufferPointer(rebasing: text[start..<i]))
                out.put(byte: 0x5C)
                out.put(byte: c)
                start = i + 1
            }
            out.put(bytes: UnsafeRawBufferPointer(rebasing: text[start...]))
        }
        out.put(byte: 0x22)
    }

    /// Bits of a byte's class in `saveClass`: it needs the string quoted; it needs a backslash.
    private static let quoted: UInt8 = 1, escaped: UInt8 = 2
    /// saveString's class of each byte: 0 for letters, digits, '_' and '-' (the characters
    /// xtables_save_string leaves unquoted), `quoted` for the others, `escaped` added for
    /// '"', backslash and '\''.
    private static let saveClass: [UInt8] = (0..<256).map { c -> UInt8 in
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: return 0
        case 0x22, 0x5C, 0x27: return quoted | escaped
        default: return quoted
        }
    }

    /// A C string stored in a fixed field: its bytes up to the first NUL within `limit`.
    static func field(_ p: UnsafeRawPointer, limit: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: p, count: strnlen(p.assumingMemoryBound(to: CChar.self), limit))
    }
}
