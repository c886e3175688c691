/// The shape of an iptables-save text as iptables-restore reads it: where each line is,
/// and each table block (its `*table` line, chain declarations, rule lines and COMMIT).
/// The check uses it to name chains in messages and to cut a table down to a prefix of
/// its rules (lines it drops become empty lines, so line numbers never move).
struct RulesetOutline {
    /// One `*table … COMMIT` block.
    struct Block {
        var table: String
        /// The `*table` line.
        var openLine: Int
        /// The COMMIT line; nil when the text ends first.
        var commitLine: Int?
        /// Declared chains (`:NAME …`) with their lines.
        var chains: [(name: String, line: Int)] = []
        /// Lines that are commands (neither declarations, comments nor blank).
        var ruleLines: [Int] = []
    }

    /// The text.
    let bytes: [UInt8]
    /// The buffer restore reads lines into (`Restore.run`'s fgets).
    static let readSize = 10240
    /// Where each line is (line n at index n-1), its newline included.
    private(set) var lines: [Range<Int>] = []
    private(set) var blocks: [Block] = []

    /// The tables the file names, in order, once each.
    var tableNames: [String] {
        var seen: Set<String> = []
        return blocks.map(\.table).filter { seen.insert($0).inserted }
    }

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // Lines as restore's fgets reads them: at most 10,239 bytes each (a longer line is
        // read, and counted, in pieces), so line numbers are the ones restore gives.
        let piece = RulesetOutline.readSize - 1
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A || i + 1 - start == piece {
            lines.append(start..<(i + 1))
            start = i + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        scanBlocks()
    }

    private mutating func scanBlocks() {
        var inBlock = false
        for n in 1...max(1, lines.count) where n <= lines.count {
            let line = bytes[lines[n - 1]]
            guard let first = line.first, first != 0x0A, first != 0x23 else { continue }
            if inBlock {
                let last = blocks.count - 1
                if line.elementsEqual("COMMIT\n".utf8) {
                    blocks[last].commitLine = n
                    inBlock = false
                } else if first == 0x3A {
                    if let name = RulesetOutline.words(line.dropFirst()).first { blocks[last].chains.append((name, n)) }
                } else {
                    blocks[last].ruleLines.append(n)
                }
            } else if first == 0x2A {
                blocks.append(Block(table: RulesetOutline.words(line.dropFirst()).first ?? "", openLine: n))
                inBlock = true
            }
        }
    }

    /// The words of a header line as strtok(" \t\n") splits them.
    private static func words(_ s: ArraySlice<UInt8>) -> [String] {
        s.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Line n without its newline ("" past the end).
    func line(_ n: Int) -> String {
        guard n >= 1 && n <= lines.count else { return "" }
        var r = lines[n - 1]
        if r.upperBound > r.lowerBound && bytes[r.upperBound - 1] == 0x0A { r = r.lowerBound..<(r.upperBound - 1) }
        return String(decoding: bytes[r], as: UTF8.self)
    }

    /// Whether line n holds these bytes (a cheap test before making a String of it).
    func line(_ n: Int, contains needle: [UInt8]) -> Bool {
        guard n >= 1 && n <= lines.count, let first = needle.first else { return false }
        let r = lines[n - 1]
        var i = r.lowerBound
        while i + needle.count <= r.upperBound {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// The block whose COMMIT is on line n.
    func block(committedAt n: Int) -> Block? { blocks.first { $0.commitLine == n } }

    /// The block that line n is in.
    func block(containing n: Int) -> Block? {
        blocks.first { n >= $0.openLine && n <= ($0.commitLine ?? Int.max) }
    }

    /// The text with every line for which `keep` is false emptied (newline kept).
    func text(keeping keep: (Int) -> Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (i, r) in lines.enumerated() {
            if keep(i + 1) { out += bytes[r] } else { out.append(0x0A) }
        }
        return out
    }

    /// The family a text says it was saved from: its first comments name ip6tables-save
    /// (or iptables-save); nil when they do not say.
    static func savedFamily(_ bytes: [UInt8]) -> Family? {
        for line in bytes.prefix(4096).split(separator: 0x0A) {
            let l = String(decoding: line, as: UTF8.self)
            guard l.hasPrefix("#") else { break }
            if l.containsText("ip6tables-save") || l.containsText("ip6tables-restore") { return .ipv6 }
            if l.containsText("iptables-save") || l.containsText("iptables-restore") { return .ipv4 }
        }
        return nil
    }
}
