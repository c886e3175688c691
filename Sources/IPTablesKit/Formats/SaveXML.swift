/// iptables-save text to the XML of iptables-xml 1.8.9, byte for byte, quirks included
/// (its layout, its escaping, its `-c` combining of rules that share their conditions).
/// Fed line by line (`line`), then `finish`; output goes to `out` as it is made, so a
/// failure leaves what was written before it, as iptables-xml does.
struct SaveXML {
    /// A failure: `plain` messages exit 1 as written; `parameter` ones exit 2 in
    /// libxtables' three-line form.
    enum Failure: Error, Equatable {
        case plain(String)
        case parameter(String)
    }

    /// One declared chain of the current table.
    private struct Declared {
        var name: [UInt8]
        var policy: [UInt8]
        var packets: UInt64
        var bytes: UInt64
        var created = false
    }

    /// One word of a rule line and whether a closing double quote ended it.
    private struct Word {
        var bytes: [UInt8]
        var quoted: Bool
    }

    let combine: Bool
    let verbose: Bool
    private(set) var out: [UInt8] = []
    /// Lines (reads) so far.
    private(set) var lineNumber = 0
    private var table: [UInt8] = []
    private var chain: [UInt8] = []
    private var chains: [Declared] = []
    private var actionsOpen = false
    private var ruleOpen = false
    private var previous: [Word] = []
    /// The counters of chain lines: a field keeps its value when a line gives none.
    private var chainCounters: (UInt64, UInt64) = (0, 0)

    static let maxChains = 10240
    static let nameLength = 32
    static let maxWordLength = 1023
    static let maxWords = 254
    private static let ind1: [UInt8] = Array("        ".utf8)
    private static let ind2: [UInt8] = Array("          ".utf8)

    init(combine: Bool, verbose: Bool) {
        self.combine = combine
        self.verbose = verbose
    }

    /// The document's first line.
    mutating func start() { write("<iptables-rules version=\"1.0\">\n") }

    /// Takes the output written so far (the caller writes it out).
    mutating func takeOutput() -> [UInt8] {
        defer { out.removeAll(keepingCapacity: true) }
        return out
    }

    // MARK: - Lines

    /// One line as fgets gives it (the newline kept; nothing after a NUL byte counts).
    mutating func line(_ raw: ArraySlice<UInt8>) throws {
        lineNumber += 1
        let b = Array(raw.prefix { $0 != 0 })
        let first = b.first ?? 0
        if first == 0x0A { return }
        if first == 0x23 {
            write("<!-- "); write(SaveXML.commentText(b)); write(" -->\n")
            return
        }
        if verbose {
            write("<!-- line \(lineNumber) "); write(SaveXML.commentText(b)); write(" -->\n")
        }
        if b == Array("COMMIT\n".utf8) && !table.isEmpty {
            closeTable()
        } else if first == 0x2A {
            try tableLine(b)
        } else if first == 0x3A && !table.isEmpty {
            try chainLine(b)
        } else if !table.isEmpty {
            try ruleLine(b)
        } else {
            throw Failure.plain("iptables-xml: line \(lineNumber) failed\n")
        }
    }

    /// The end of the input.
    mutating func finish() throws {
        if !table.isEmpty { throw Failure.plain("iptables-xml: COMMIT expected at line \(lineNumber + 1)\n") }
        write("</iptables-rules>\n")
    }

    private mutating func tableLine(_ b: [UInt8]) throws {
        guard let name = SaveXML.tokens(b.dropFirst()).first else {
            throw Failure.parameter("iptables-xml: line \(lineNumber) table name invalid")
        }
        closeTable()
        table = Array(name.prefix(SaveXML.nameLength))
        write("  <table name=\""); write(SaveXML.escaped(table)); write("\" >\n")
    }

    private mutating func chainLine(_ b: [UInt8]) throws {
        let t = SaveXML.tokens(b.dropFirst())
        guard t.count > 0 else { throw Failure.parameter("iptables-xml: line \(lineNumber) chain name invalid") }
        guard t.count > 1 else { throw Failure.parameter("iptables-xml: line \(lineNumber) policy invalid") }
        if t.count > 2 { SaveXML.scanCounters(t[2], into: &chainCounters) }
        guard chains.count < SaveXML.maxChains else {
            throw Failure.parameter("iptables-xml: line \(lineNumber) chain name invalid")
        }
        chains.append(Declared(name: t[0], policy: t[1], packets: chainCounters.0, bytes: chainCounters.1))
    }

    // MARK: - Chains and tables

    private mutating func openChain(_ c: Declared, selfClosing: Bool) {
        closeChain()
        chain = Array(c.name.prefix(SaveXML.nameLength))
        write("    <chain name=\""); write(SaveXML.escaped(chain)); write("\" ")
        if c.policy != [0x2D] { write("policy=\""); write(SaveXML.escaped(c.policy)); write("\" ") }
        write("packet-count=\"\(Int64(bitPattern: c.packets))\" byte-count=\"\(Int64(bitPattern: c.bytes))\" ")
        if selfClosing {
            write("/")
            chain = []
        }
        write(">\n")
    }

    private mutating func closeChain() {
        guard !chain.isEmpty else { return }
        closePending()
        write("    </chain>\n")
        chain = []
    }

    /// Writes the deferred </actions> and </rule>.
    private mutating func closePending() {
        if actionsOpen { write("       </actions>\n\n") }
        if ruleOpen { write("      </rule>\n\n") }
        actionsOpen = false
        ruleOpen = false
    }

    private mutating func closeTable() {
        closeChain()
        for c in chains where !c.created { openChain(c, selfClosing: true) }
        chains = []
        if !table.isEmpty {
            write("  </table>\n")
            table = []
        }
    }

    /// Opens the element of the rule's chain (every declaration of that name) unless it is open.
    private mutating func needChain(_ name: [UInt8]) {
        guard name != chain else { return }
        for i in chains.indices where chains[i].name == name {
            openChain(chains[i], selfClosing: false)
            chains[i].created = true
        }
    }

    private func isKnownChain(_ name: [UInt8]) -> Bool {
        name == chain || chains.contains { $0.name == name }
    }

    // MARK: - Rules

    private mutating func ruleLine(_ b: [UInt8]) throws {
        var counters: (packets: [UInt8], bytes: [UInt8])?
        var region = b[...]
        if b.first == 0x5B {
            let split = try SaveXML.counterPrefix(b, line: lineNumber)
            counters = (split.packets, split.bytes)
            region = split.rest
        }
        let words = try SaveXML.words(region)
        guard let at = words.indices.dropFirst().first(where: { words[$0 - 1].bytes == SaveXML.appendFlag }) else {
            throw Failure.plain("iptables-xml: line \(lineNumber) failed - no chain found\n")
        }
        needChain(words[at].bytes)
        emit(words, counters: counters)
        previous = words
    }

    private static let appendFlag: [UInt8] = Array("-A".utf8)

    private mutating func emit(_ w: [Word], counters: (packets: [UInt8], bytes: [UInt8])?) {
        let n = w.count
        if combine && n > 2 && !SaveXML.isTarget(w[2].bytes) && SaveXML.sameConditions(w, previous) {
            write("<!-- Combine action from next rule -->\n")
        } else {
            closePending()
            write("      <rule ")
            if let c = counters {
                write("packet-count=\""); write(SaveXML.escaped(c.packets)); write("\" ")
                write("byte-count=\""); write(SaveXML.escaped(c.bytes)); write("\" ")
            }
            write(">\n")
            ruleOpen = true
            if n >= 3 && !SaveXML.isTarget(w[2].bytes) {
                write("       <conditions>\n")
                emitPart(w, actions: false)
                write("       </conditions>\n")
            }
        }
        if !actionsOpen {
            write("       <actions>\n")
            actionsOpen = true
        }
        emitPart(w, actions: true)
    }

    /// Whether two rules share every word up to a target option at the same place, the
    /// earlier one's target not ending the packet's walk.
    private static func sameConditions(_ new: [Word], _ old: [Word]) -> Bool {
        var k = 0
        while k < new.count && k < old.count {
            if isTarget(old[k].bytes) && isTarget(new[k].bytes) {
                let o = old[k].bytes
                if o == Array("-j".utf8) || o == Array("--jump".utf8) {
                    if k + 1 < old.count && terminating.contains(old[k + 1].bytes) { return false }
                } else {
                    return false
                }
                return true
            }
            if old[k].bytes != new[k].bytes { return false }
            k += 1
        }
        return false
    }

    /// The conditions (before the target) or the actions (from the first target option on)
    /// of a rule, as elements.
    private mutating func emitPart(_ w: [Word], actions: Bool) {
        let n = w.count
        var level1: [UInt8]?
        var level2: [UInt8]?
        var invert = false
        var spacer = false
        var i = 2
        if actions { while i < n && (w[i].quoted || !SaveXML.isTarget(w[i].bytes)) { i += 1 } }
        let j = i < n && w[i].bytes == [0x21] ? i + 1 : i
        if j < n, w[j].bytes.first == 0x2D, !SaveXML.isTarget(w[j].bytes), w[j].bytes != Array("-m".utf8) {
            write(SaveXML.ind1); write("<match >\n")
            level1 = Array("match".utf8)
        }
        func closeLevel2() {
            if let l = level2 { write("</"); write(l); write(">\n"); level2 = nil }
        }
        func closeLevel1() {
            if let l = level1 { write(SaveXML.ind1); write("</"); write(l); write(">\n"); level1 = nil }
        }
        while i < n {
            let a = w[i].bytes, q = w[i].quoted
            if !actions && !q && SaveXML.isTarget(a) { break }
            if !q && a == [0x21] {
                if i + 1 < n && w[i + 1].bytes.first == 0x2D {
                    invert = true
                } else {
                    if spacer { write(" ") }
                    write("!")
                }
                spacer = true
            } else if !q && SaveXML.isTarget(a) && i + 1 < n && isKnownChain(w[i + 1].bytes) {
                closeLevel2(); closeLevel1(); spacer = false; invert = false
                let kind: [UInt8] = a == Array("-g".utf8) || a == Array("--goto".utf8) ? Array("goto".utf8) : Array("call".utf8)
                write(SaveXML.ind1); write("<"); write(kind); write(" >\n")
                level1 = kind
                i += 1
                write(SaveXML.ind2); write("<"); write(w[i].bytes); write(" />\n")
            } else if !q && (SaveXML.isTarget(a) || SaveXML.isModule(a)) {
                if i + 1 >= n { break }
                closeLevel2(); closeLevel1(); spacer = false; invert = false
                i += 1
                write(SaveXML.ind1); write("<"); write(w[i].bytes); write(" ")
                if i + 1 >= n || (!w[i + 1].quoted && (SaveXML.isTarget(w[i + 1].bytes) || SaveXML.isModule(w[i + 1].bytes))) {
                    write(" />\n")
                } else {
                    write(">\n")
                    level1 = w[i].bytes
                }
            } else if !q && a.first == 0x2D {
                closeLevel2()
                let tag = Array(a.drop { $0 == 0x2D })
                spacer = false
                write(SaveXML.ind2); write("<"); write(tag); write(" ")
                if invert { write(" invert=\"1\"") }
                invert = false
                if i + 1 >= n || w[i + 1].bytes.first == 0x2D {
                    write(" />\n")
                } else {
                    write(">")
                    level2 = tag
                }
            } else {
                if spacer { write(" ") }
                let wrap = a.contains(0x20) || q
                if wrap { write("&quot;") }
                write(SaveXML.escaped(a))
                if wrap { write("&quot;") }
                spacer = true
            }
            i += 1
        }
        closeLevel2()
        closeLevel1()
    }

    // MARK: - Words

    private static let terminating: Set<[UInt8]> = Set(["ACCEPT", "DROP", "QUEUE", "RETURN"].map { Array($0.utf8) })
    private static let targetFlags: Set<[UInt8]> = Set(["-j", "--jump", "-g", "--goto"].map { Array($0.utf8) })

    static func isTarget(_ a: [UInt8]) -> Bool { targetFlags.contains(a) }
    static func isModule(_ a: [UInt8]) -> Bool { a == Array("-m".utf8) || a == Array("--module".utf8) }

    /// Words split as strtok(" \t\n") splits them.
    static func tokens(_ b: ArraySlice<UInt8>) -> [[UInt8]] {
        b.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }).map(Array.init)
    }

    /// sscanf(text, "[%llu:%llu]"): the fields that convert are stored, the rest kept.
    static func scanCounters(_ text: [UInt8], into c: inout (UInt64, UInt64)) {
        guard text.first == 0x5B else { return }
        var i = 1
        guard let p = unsignedNumber(text, &i) else { return }
        c.0 = p
        guard i < text.count, text[i] == 0x3A else { return }
        i += 1
        if let b = unsignedNumber(text, &i) { c.1 = b }
    }

    /// strtoull in base 10 at text[i...] (white space and a sign first; negative numbers
    /// wrap, overflow saturates); nil when no digit follows.
    static func unsignedNumber(_ text: [UInt8], _ i: inout Int) -> UInt64? {
        var k = i
        while k < text.count, text[k] == 0x20 || (0x09...0x0D).contains(text[k]) { k += 1 }
        var negative = false
        if k < text.count, text[k] == 0x2B || text[k] == 0x2D {
            negative = text[k] == 0x2D
            k += 1
        }
        var value: UInt64 = 0
        var overflow = false
        let digits = k
        while k < text.count, (0x30...0x39).contains(text[k]) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(text[k] - 0x30))
            overflow = overflow || o1 || o2
            value = s
            k += 1
        }
        guard k > digits else { return nil }
        i = k
        if overflow { return UInt64.max }
        return negative ? 0 &- value : value
    }

    /// A rule line's "[p:b]" prefix, taken apart as iptables-xml's strtok calls take it
    /// (NULs written where a token ends cut the words short).
    static func counterPrefix(_ b: [UInt8], line: Int) throws -> (packets: [UInt8], bytes: [UInt8], rest: ArraySlice<UInt8>) {
        guard let close = b.firstIndex(of: 0x5D) else { throw Failure.parameter("Bad line \(line): need ]") }
        var nuls: [Int] = []
        var i = 1
        while i < b.count && b[i] == 0x3A { i += 1 }
        let pStart = i
        while i < b.count && b[i] != 0x3A { i += 1 }
        let packets = Array(b[pStart..<i])
        if i < b.count {
            nuls.append(i)
            i += 1
        }
        while i < b.count && b[i] == 0x5D { i += 1 }
        guard i < b.count else { throw Failure.parameter("Bad line \(line): need ]") }
        let bStart = i
        while i < b.count && b[i] != 0x5D { i += 1 }
        let bytes = Array(b[bStart..<i])
        if i < b.count { nuls.append(i) }
        let end = nuls.filter { $0 > close }.min() ?? b.count
        return (packets, bytes, b[(close + 1)..<max(close + 1, end)])
    }

    /// A rule's words, split as iptables' restore splits them (double quotes group, a
    /// backslash escapes inside them only); a word ended by a closing quote is marked.
    private static func words(_ region: ArraySlice<UInt8>) throws -> [Word] {
        var out: [Word] = []
        var word: [UInt8] = []
        var inQuote = false, escaped = false, quoted = false
        func finish() throws {
            guard out.count < maxWords else { throw Failure.parameter("Parser cannot handle more arguments") }
            out.append(Word(bytes: word, quoted: quoted))
            word = []
            quoted = false
        }
        func add(_ c: UInt8) throws {
            guard word.count < maxWordLength else { throw Failure.parameter("Parameter too long!") }
            word.append(c)
        }
        for c in region {
            if inQuote {
                if escaped {
                    try add(c)
                    escaped = false
                } else if c == 0x5C {
                    escaped = true
                } else if c == 0x22 {
                    inQuote = false
                    try finish()
                } else {
                    try add(c)
                }
            } else if c == 0x22 {
                inQuote = true
                quoted = true
            } else if c == 0x20 || c == 0x09 || c == 0x0A {
                if !word.isEmpty { try finish() }
            } else {
                try add(c)
            }
        }
        if !word.isEmpty {
            quoted = false
            try finish()
        }
        return out
    }

    // MARK: - Text

    /// Attribute values and data: bytes from 0x7F as numeric references, & < > " as entities.
    static func escaped(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x7F...: out += Array("&#\(c);".utf8)
            default: out.append(c)
            }
        }
        return out
    }

    /// A comment's text: every hyphen written as "*-", every second one of the text with a
    /// space before it; a final newline left out.
    static func commentText(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var hyphens = 0
        for (k, c) in s.enumerated() {
            if c == 0x2D {
                hyphens += 1
                if hyphens >= 2 {
                    out.append(0x20)
                    hyphens = 0
                }
                out.append(0x2A)
            }
            if !(c == 0x0A && k == s.count - 1) { out.append(c) }
        }
        return out
    }

    private mutating func write(_ s: String) { out += Array(s.utf8) }
    private mutating func write(_ b: [UInt8]) { out += b }
}
