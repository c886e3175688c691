/// The words of one iptables-restore rule line, split exactly as iptables-restore does:
/// double quotes group (and end a word when they close), a backslash escapes only inside
/// quotes, single quotes are ordinary characters; an optional "[pkts:bytes]" prefix.
enum RestoreTokenizer {
    /// A word may hold at most this many bytes (iptables' 1024-byte buffer).
    static let maxWordLength = 1023
    /// At most this many words fit in iptables' argv store, with the words we add first.
    static let maxArguments = 255

    /// Splits the rest of a line (after any counters) into words.
    static func words(_ line: Substring) throws -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        var quoteOpen = false, escaped = false
        func add() throws {
            words.append(String(decoding: word, as: UTF8.self))
            word.removeAll(keepingCapacity: true)
        }
        func append(_ b: UInt8) throws {
            word.append(b)
            if word.count > maxWordLength { throw ToolError.parameter("Parameter too long!") }
        }
        for b in line.utf8 {
            if quoteOpen {
                if escaped { try append(b); escaped = false; continue }
                if b == 0x5C { escaped = true; continue }
                if b != 0x22 { try append(b); continue }
                quoteOpen = false
                try add()
                continue
            }
            switch b {
            case 0x22: quoteOpen = true
            case 0x20, 0x09, 0x0A: if !word.isEmpty { try add() }
            default: try append(b)
            }
        }
        if !word.isEmpty { try add() }
        return words
    }

    /// Splits "[p:b] rest" into the two counter words and the rest; nil counters without '['.
    static func counters(_ line: Substring, lineNumber: Int) throws -> (packets: String, bytes: String, rest: Substring)? {
        guard line.first == "[" else { return nil }
        guard let close = line.firstIndex(of: "]") else { throw ToolError.parameter("Bad line \(lineNumber): need ]") }
        // strtok semantics: skip leading ':' then read up to the next ':'; then up to ']'.
        let inner = line[line.index(after: line.startIndex)...]
        let afterColons = inner.drop(while: { $0 == ":" })
        guard let pEnd = afterColons.firstIndex(where: { $0 == ":" }), !afterColons.isEmpty else {
            throw ToolError.parameter("Bad line \(lineNumber): need :")
        }
        let packets = afterColons[..<pEnd]
        let tail = line[line.index(after: pEnd)...].drop(while: { $0 == "]" })
        guard let bEnd = tail.firstIndex(of: "]"), !tail.isEmpty, bEnd > tail.startIndex else {
            throw ToolError.parameter("Bad line \(lineNumber): need ]")
        }
        return (String(packets), String(tail[..<bEnd]), line[line.index(after: close)...])
    }
}
