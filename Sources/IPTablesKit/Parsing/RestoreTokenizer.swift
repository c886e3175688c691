import Glibc

/// The words of one iptables-restore rule line, split exactly as iptables-restore does:
/// double quotes group (and end a word when they close), a backslash escapes only inside
/// quotes, single quotes are ordinary characters; an optional "[pkts:bytes]" prefix.
/// Works on bytes and yields C strings, because restore feeds it every line of the input.
enum RestoreTokenizer {
    /// A word may hold at most this many bytes (iptables' 1024-byte buffer).
    static let maxWordLength = 1023
    /// At most this many words fit in iptables' argv store, with the words we add first.
    static let maxArguments = 255

    /// Whether a byte ends or changes a word outside quotes: space, tab, newline, double
    /// quote (all at most 0x22, so one comparison passes every other byte).
    @inline(__always)
    private static func isSpecial(_ b: UInt8) -> Bool {
        b <= 0x22 && (0x5_0000_0600 as UInt64) >> b & 1 != 0  // bits 0x09, 0x0A, 0x20, 0x22
    }

    private static let lows: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The bytes of `v` below 0x23 (the classic "has less" word test), as each byte's top bit;
    /// exact about the lowest such byte (a borrow only runs up from a byte that is below),
    /// which is all the copy asks: where the run ends.
    @inline(__always)
    static func bytesBelow0x23(_ v: UInt64) -> UInt64 {
        (v &- lows &* 0x23) & ~v & highs
    }

    /// The double quotes (0x22) and backslashes (0x5C) of `v`, exact about the lowest one.
    @inline(__always)
    static func quotesAndBackslashes(_ v: UInt64) -> UInt64 {
        zeroBytes(v ^ (lows &* 0x22)) | zeroBytes(v ^ (lows &* 0x5C))
    }

    @inline(__always)
    private static func zeroBytes(_ v: UInt64) -> UInt64 { (v &- lows) & ~v & highs }

    /// Copies bytes from `q` to `o` up to the first one `ends` names (or `stop`): eight at a
    /// time while `marks` (the word test for those bytes) marks none of them, each eight stored
    /// whole, then `o` and `q` moved to the lowest mark; the rest one by one.
    @inline(__always)
    private static func copyPlain(_ o: inout UnsafeMutablePointer<UInt8>, _ q: inout UnsafePointer<UInt8>,
                                  to stop: UnsafePointer<UInt8>, marks: (UInt64) -> UInt64, ends: (UInt8) -> Bool) {
        while stop - q >= 8 {
            let v = UnsafeRawPointer(q).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(o).storeBytes(of: v, as: UInt64.self)
            let found = marks(UInt64(littleEndian: v))
            if found != 0 {
                let k = found.trailingZeroBitCount >> 3
                o += k; q += k
                break
            }
            o += 8; q += 8
        }
        while q < stop && !ends(q.pointee) { o.pointee = q.pointee; o += 1; q += 1 }
    }

    /// Splits the line into NUL-terminated words written one after another into `buffer`
    /// from `end` on (which must have room for 2 * line.count + 1 more bytes), appending
    /// each word's start offset to `starts` (a plain list: restore's first array of Ints
    /// would have the runtime register the standard library's array classes, at every
    /// start). Words longer than iptables' buffer are refused, and leave `starts` as it was.
    static func split(_ line: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutablePointer<CChar>,
                      end: inout Int, starts: inout UnmanagedList<Int>) throws {
        guard let first = line.baseAddress else { return }
        // Every word but the last takes at least two bytes (a byte and what ends it, or two
        // quotes), so a line of n bytes holds at most n / 2 + 1 words: their starts are
        // gathered on the stack and appended together.
        let room = line.count / 2 + 1
        let out = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: room) { gathered in
            var w = WordWriter(out: out, at: end, starts: gathered.baseAddress!, room: room)
            var p = first
            let stop = first + line.count
            while p < stop {
                // Fast path: a run that needs no decision is copied as it is scanned: ordinary
                // bytes outside quotes, or inside quotes anything up to the next quote or backslash.
                if !w.quoteOpen ? !isSpecial(p.pointee) : !w.escaped && p.pointee != 0x22 && p.pointee != 0x5C {
                    try w.copyRun(&p, to: stop)
                    continue
                }
                try w.decide(p.pointee)
                p += 1
            }
            w.endWord()
            end = w.at
            starts.append(contentsOf: UnsafeBufferPointer(start: gathered.baseAddress!, count: w.count))
        }
    }

    /// The writing state of `split`: where the next byte goes, where the word in hand
    /// started (-1: none), and the quoting state.
    private struct WordWriter {
        let out: UnsafeMutablePointer<UInt8>
        var at: Int
        /// Where the words' start offsets go, how many fit, and how many there are so far.
        let starts: UnsafeMutablePointer<Int>
        let room: Int
        var count = 0
        var wordStart = -1
        var quoteOpen = false
        var escaped = false

        init(out: UnsafeMutablePointer<UInt8>, at: Int, starts: UnsafeMutablePointer<Int>, room: Int) {
            self.out = out
            self.at = at
            self.starts = starts
            self.room = room
        }

        /// Copies the run of word bytes at `p` (one that needs no decision, as `split` found
        /// its first byte) and moves `p` past it.
        @inline(__always)
        mutating func copyRun(_ p: inout UnsafePointer<UInt8>, to stop: UnsafePointer<UInt8>) throws {
            startWord()
            var o = out + at, q = p
            // The eight-byte stores have room: at most two bytes are written per byte read, and
            // eight more are still to read. The lowest mark of the little-endian value is the
            // first of the eight in memory.
            if !quoteOpen {
                RestoreTokenizer.copyPlain(&o, &q, to: stop, marks: RestoreTokenizer.bytesBelow0x23,
                                           ends: RestoreTokenizer.isSpecial)
            } else {
                RestoreTokenizer.copyPlain(&o, &q, to: stop, marks: RestoreTokenizer.quotesAndBackslashes,
                                           ends: { $0 == 0x22 || $0 == 0x5C })
            }
            at = o - out
            p = q
            if at - wordStart > maxWordLength { throw IPTablesError.parameter("Parameter too long!") }
        }

        /// One byte that quotes, escapes, or separates words.
        @inline(__always)
        mutating func decide(_ b: UInt8) throws {
            if quoteOpen {
                if escaped {
                    escaped = false
                    return try keep(b)
                }
                if b == 0x5C { escaped = true; return }
                if b != 0x22 { return try keep(b) }
                // A closing quote ends the word, even an empty one.
                quoteOpen = false
                if wordStart < 0 { record(at) }
                out[at] = 0
                at += 1
                wordStart = -1
            } else if b == 0x22 {
                quoteOpen = true
            } else if b == 0x20 || b == 0x09 || b == 0x0A {
                endWord()
            } else {
                try keep(b)
            }
        }

        @inline(__always)
        private mutating func record(_ start: Int) {
            precondition(count < room, "more words than a line can hold")
            starts[count] = start
            count += 1
        }

        @inline(__always)
        private mutating func startWord() {
            if wordStart < 0 {
                wordStart = at
                record(at)
            }
        }

        /// Appends one word byte.
        @inline(__always)
        private mutating func keep(_ b: UInt8) throws {
            if wordStart >= 0 && at - wordStart >= maxWordLength { throw IPTablesError.parameter("Parameter too long!") }
            startWord()
            out[at] = b
            at += 1
        }

        /// Ends the word in hand, if any.
        @inline(__always)
        mutating func endWord() {
            if wordStart >= 0 {
                out[at] = 0
                at += 1
                wordStart = -1
            }
        }
    }

    /// The 1-based byte column where each word of a line starts (a quoted word at its
    /// quote), by the same rules as `split`: for error locations.
    static func wordColumns(_ line: UnsafeBufferPointer<UInt8>) -> [Int] {
        var columns: [Int] = []
        var inWord = false, quoteOpen = false, escaped = false
        for (i, b) in line.enumerated() {
            if quoteOpen {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 {
                    quoteOpen = false
                    inWord = false
                }
            } else if b == 0x22 {
                if !inWord { columns.append(i + 1) }
                inWord = true
                quoteOpen = true
            } else if b == 0x20 || b == 0x09 || b == 0x0A {
                inWord = false
            } else if !inWord {
                columns.append(i + 1)
                inWord = true
            }
        }
        return columns
    }

    /// The words of a line as Swift strings (for tests and small inputs).
    static func words(_ line: String) throws -> [String] {
        let bytes = Array(line.utf8)
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: 2 * bytes.count + 1)
        defer { buffer.deallocate() }
        var end = 0
        var starts = UnmanagedList<Int>()
        defer { starts.deallocate() }
        try bytes.withUnsafeBufferPointer { try split($0, into: buffer, end: &end, starts: &starts) }
        return starts.map { String(cString: buffer + $0) }
    }

    /// Splits "[p:b] rest": the two counter texts and where the rest starts; nil without '['.
    /// Follows iptables' strtok reading: the packets run to the first ':' (leading ':'
    /// skipped), the bytes to the next ']', the rest after the first ']'.
    static func counters(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws
        -> (packets: String, bytes: String, restStart: Int)? {
        guard line.first == 0x5B else { return nil }
        guard let close = line.firstIndex(of: 0x5D) else { throw IPTablesError.parameter("Bad line \(lineNumber): need ]") }
        var i = 1
        while i < line.count && line[i] == 0x3A { i += 1 }
        let pStart = i
        while i < line.count && line[i] != 0x3A { i += 1 }
        if pStart == line.count { throw IPTablesError.parameter("Bad line \(lineNumber): need :") }
        let packets = String(decoding: UnsafeBufferPointer(rebasing: line[pStart..<i]), as: UTF8.self)
        i += 1
        while i < line.count && line[i] == 0x5D { i += 1 }
        let bStart = i
        while i < line.count && line[i] != 0x5D { i += 1 }
        if bStart >= line.count || i >= line.count && bStart == i { throw IPTablesError.parameter("Bad line \(lineNumber): need ]") }
        let bytes = String(decoding: UnsafeBufferPointer(rebasing: line[bStart..<i]), as: UTF8.self)
        return (packets, bytes, close + 1)
    }

    /// `counters` over a Swift string (for tests).
    static func counters(_ line: String, lineNumber: Int) throws -> (packets: String, bytes: String, rest: String)? {
        let bytes = Array(line.utf8)
        return try bytes.withUnsafeBufferPointer { b in
            try counters(b, lineNumber: lineNumber).map {
                ($0.packets, $0.bytes, String(decoding: bytes[$0.restStart...], as: UTF8.self))
            }
        }
    }
}
