import Glibc

/// Turns what a checked restore run found into located diagnostics with their causes:
/// the offending word, the nearest known name, the missing plugin or kernel module.
struct CheckDiagnosis {
    let file: String
    let family: Family
    let outline: RulesetOutline
    /// The program whose words the messages quote ("iptables-restore").
    let programName: String
    /// The host's ipsets the check created in its namespace (root); nil when it created
    /// none, and rules naming sets are then checked in userspace only.
    var hostSets: Set<String>?
    /// The chains of the live tables, by table (a --noflush file is checked against them).
    var liveChains: [String: [String]] = [:]
    /// Host sets whose copy the kernel refused (their rules are checked in userspace only).
    var uncopiedSets: Set<String> = []

    /// The tables the kernel knows.
    static let tableNames = ["filter", "mangle", "nat", "raw", "security"]

    // MARK: - Userspace failures

    /// A failing line of the restore run as a diagnostic.
    func diagnose(_ f: RestoreFailure) -> Diagnostic {
        let words = LineWords(f.text)
        var d = Diagnostic(file: file, line: f.line, message: "", ruleText: f.text.isEmpty ? nil : f.text)
        if f.endedRun {
            d.severity = .warning
            d.message = "this line asks for help or the version: iptables-restore stops here and loads nothing after it"
            return d
        }
        let message = cleaned(f.error.message)
        d.message = message
        let setName = message.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        if CheckDiagnosis.isSetLookup(message), let copied = hostSets, !uncopiedSets.contains(setName) {
            let name = setName
            point(at: name, argument: f.error.location, in: words, into: &d)
            d.cause = copied.contains(name) ? nil : "the host has no ipset `\(name)' (`ipset create \(name) TYPE' makes one)"
            return d
        }
        if CheckDiagnosis.isSetLookup(message) {
            d.severity = .note
            d.message = "this rule uses an ipset: checked in userspace only"
            d.cause = uncopiedSets.contains(setName)
                ? "the kernel would not create a copy of the host's set `\(setName)' in the check's namespace"
                : "the sets are the host's, and copying their definitions into the check's namespace needs root"
            point(at: setName, argument: f.error.location, in: words, into: &d)
            return d
        }
        if message.hasPrefix("line ") && message.hasSuffix(" failed") {
            tableFailure(f, words, into: &d)
        } else if message.hasPrefix("COMMIT expected") {
            let opened = outline.block(containing: f.line - 1)
            d.message = "COMMIT expected: table `\(opened?.table ?? f.table)' is never committed"
            d.cause = opened.map { "the table opened at line \($0.openLine) has no COMMIT line; " } ?? ""
            d.cause! += "iptables-restore loads a table only at its COMMIT line"
            d.ruleText = nil
        } else {
            // "ext: …" messages about an option the line lacks point at the extension.
            let owner = message.split(separator: ":", maxSplits: 1).first.map(String.init)
            let quoted = quotedWord(in: message).flatMap { words.find($0) == nil ? nil : $0 }
            point(at: quoted ?? owner, argument: f.error.location, in: words, into: &d)
            d.cause = cause(of: message, f, words)
        }
        return d
    }

    /// Whether libxt_set failed to look a set up by name (no set of that name in the check's
    /// namespace, or no ipset socket for an unprivileged user).
    static func isSetLookup(_ message: String) -> Bool {
        message == "Can't open socket to ipset." || message.hasPrefix("Set ") && message.hasSuffix(" doesn't exist.")
    }

    /// "line N failed": a table call failed, or the line stands outside a table.
    private func tableFailure(_ f: RestoreFailure, _ words: LineWords, into d: inout Diagnostic) {
        guard let e = f.underlying else {
            d.message = "this line is outside a table"
            d.cause = "rules and chains go between a `*TABLE' line (filter, nat, mangle, raw, security) and its COMMIT"
            d.column = 1
            d.length = words.first?.length ?? 1
            return
        }
        d.message = e.message
        guard let command = f.command, let chain = command.chain else {
            if e.kind == .kernel && f.text == "COMMIT" {
                d.message = "the kernel refused table `\(f.table)': \(e.message)"
                d.cause = "the kernel refused one of its rules; `iptables-swift check' names which"
            }
            return
        }
        point(at: chain, argument: nil, in: words, into: &d)
        let declared = declaredChains(f.table, before: f.line)
        if e.errno == ENOENT && !declared.contains(chain) {
            let hint = NearestName.hint(NearestName.suggestions(for: chain, among: declared))
            d.cause = "there is no chain `\(chain)' in table \(f.table)" + (hint.isEmpty ? "" : "; " + hint)
        } else if e.message == "Bad built-in chain name" {
            d.cause = "only built-in chains have a policy; `\(chain)' is a user chain"
        }
    }

    /// The built-in and declared chains of a table up to a line.
    private func declaredChains(_ table: String, before line: Int) -> [String] {
        var names = (BuiltinChains.byTable[table] ?? []) + (liveChains[table] ?? [])
        for b in outline.blocks where b.table == table && b.openLine < line {
            names += b.chains.filter { $0.line < line }.map(\.name)
        }
        return names
    }

    /// The explanation of a parse failure, by what iptables said.
    private func cause(of message: String, _ f: RestoreFailure, _ words: LineWords) -> String? {
        let quoted = quotedWord(in: message) ?? ""
        if message.hasPrefix("unknown option") { return unknownOption(quoted, f) }
        if message.hasPrefix("Couldn't load target") { return unknownTarget(quoted, f) }
        if message.hasPrefix("Couldn't load match") { return unknownMatch(quoted) }
        if message.containsText("unable to initialize table") {
            let hint = NearestName.hint(NearestName.suggestions(for: quoted, among: CheckDiagnosis.tableNames))
            return "the kernel has no table `\(quoted)'" + (hint.isEmpty ? "" : "; " + hint)
        }
        if message.hasPrefix("Can't set policy") {
            if message.hasSuffix("Bad built-in chain name") {
                return "only built-in chains have a policy; declare a user chain with `-' (`:NAME - [0:0]')"
            }
            let hint = NearestName.hint(NearestName.suggestions(for: quoted, among: ["ACCEPT", "DROP"]))
            return "a policy is ACCEPT or DROP" + (hint.isEmpty ? "" : "; " + hint)
        }
        if message.hasPrefix("error creating chain") {
            let name = quoted
            if Names.isVerdict(name) { return "`\(name)' is a verdict, not a chain name" }
            if let first = outline.block(containing: f.line)?.chains.first(where: { $0.name == name && $0.line < f.line }) {
                return "chain `\(name)' is already declared at line \(first.line)"
            }
            if BuiltinChains.byTable[f.table]?.contains(name) == true { return nil }
            return "chain `\(name)' already exists in table \(f.table)"
        }
        if message.hasPrefix("Bad argument"), quoted.hasPrefix("*") {
            return "a new table starts before the COMMIT of table \(f.table)"
        }
        if message.hasPrefix("unknown protocol") {
            let hint = NearestName.hint(NearestName.suggestions(for: quoted, among: CheckDiagnosis.protocolNames))
            return hint.isEmpty ? nil : hint
        }
        return nil
    }

    static let protocolNames = ["tcp", "udp", "udplite", "icmp", "icmpv6", "esp", "ah", "sctp", "mh", "all", "gre", "dccp"]

    /// Options that exist only after a match is loaded, and what loads them.
    private static let optionOwners: [String: String] = [
        "dport": "tcp, udp, sctp and dccp", "sport": "tcp, udp, sctp and dccp",
        "destination-port": "tcp, udp, sctp and dccp", "source-port": "tcp, udp, sctp and dccp",
        "tcp-flags": "tcp", "syn": "tcp", "tcp-option": "tcp", "icmp-type": "icmp", "icmpv6-type": "icmp6",
        "dports": "multiport", "sports": "multiport", "ports": "multiport", "ctstate": "conntrack",
        "state": "state", "comment": "comment", "limit": "limit", "mark": "mark", "match-set": "set",
        "uid-owner": "owner", "src-range": "iprange", "dst-range": "iprange", "mac-source": "mac",
    ]

    private func unknownOption(_ option: String, _ f: RestoreFailure) -> String? {
        let bare = String(option.drop { $0 == "-" })
        let hint = NearestName.hint(NearestName.suggestions(for: bare, among: f.knownOptions).map { "--" + $0 })
        if !hint.isEmpty { return hint }
        if let owner = CheckDiagnosis.optionOwners[bare] {
            let first = owner.split(separator: ",").first.map { $0.split(separator: " ").first ?? $0 } ?? ""
            return "`\(option)' is an option of the \(owner) match\(owner.contains(" ") ? "es" : ""): "
                + "load one before it (`-p \(first)' or `-m \(first)')"
        }
        return nil
    }

    private func unknownTarget(_ name: String, _ f: RestoreFailure) -> String {
        let others = outline.blocks.filter { $0.table != f.table && $0.chains.contains { $0.name == name } }.map(\.table)
        if let other = others.first {
            return "`\(name)' is a chain of table \(other), not of table \(f.table): rules jump only to chains of their own table"
        }
        let chains = declaredChains(f.table, before: f.line).filter { !(BuiltinChains.byTable[f.table] ?? []).contains($0) }
        let nearChains = NearestName.suggestions(for: name, among: chains)
        if !nearChains.isEmpty {
            return "no chain `\(name)' is declared in table \(f.table); " + NearestName.hint(nearChains)
        }
        let files = KernelFeatures.pluginFiles(name, family: family)
        if !files.isEmpty { return "the plugin \(files[0]) exists but could not be loaded" }
        let targets = KernelFeatures.pluginNames(family: family).filter { $0.first?.isUppercase == true }
        let hint = NearestName.hint(NearestName.suggestions(for: name, among: targets + chains + ["ACCEPT", "DROP", "RETURN", "QUEUE"]))
        return "no chain `\(name)' is declared in table \(f.table), and there is no target extension of that name "
            + "(no libxt_\(name).so in \(KernelFeatures.pluginDirectory))" + (hint.isEmpty ? "" : "; " + hint)
    }

    private func unknownMatch(_ name: String) -> String {
        let files = KernelFeatures.pluginFiles(name, family: family)
        if !files.isEmpty { return "the plugin \(files[0]) exists but could not be loaded" }
        let matches = KernelFeatures.pluginNames(family: family).filter { $0.first?.isLowercase == true }
        let hint = NearestName.hint(NearestName.suggestions(for: name, among: matches))
        return "there is no match extension `\(name)' (no libxt_\(name).so in \(KernelFeatures.pluginDirectory))"
            + (hint.isEmpty ? "" : "; " + hint)
    }

    // MARK: - Kernel rejections

    /// A rule the kernel refused when its table was committed (found by committing
    /// prefixes of the table), with the kernel's log lines when they could be read.
    func kernelRejection(line: Int, error: IPTablesError, log: [String], registered: (matches: Set<String>?, targets: Set<String>?)) -> Diagnostic {
        let text = outline.line(line)
        let words = LineWords(text)
        var d = Diagnostic(file: file, line: line, message: "the kernel refused this rule: \(error.message)", ruleText: text)
        let target = words.argument(after: ["-j", "--jump", "-g", "--goto"])
        if let t = target { d.column = t.column; d.length = t.length } else { d.column = 1; d.length = 1 }
        let table = outline.block(containing: line)?.table ?? "filter"
        if !log.isEmpty {
            d.cause = log.map { "kernel: \($0)" }.joined(separator: "\n")
            return d
        }
        switch error.errno {
        case ELOOP:
            d.cause = "with this rule, chains jump in a loop (a chain reaches itself again)"
        case ENOENT:
            d.cause = missingModules(words, registered) ?? "the kernel lacks a module for one of this rule's extensions (\(extensions(words).joined(separator: ", ")))"
        default:
            let chain = words.argument(after: ["-A", "--append", "-I", "--insert", "-R", "--replace"])?.text ?? "?"
            d.cause = "an extension of this rule is not valid in table \(table), or not in the hooks `\(chain)' is reached from, "
                + "or one of its options is out of the kernel's range (the kernel's log says which; reading it needs root)"
        }
        return d
    }

    /// A table the kernel refused even without any of its rules.
    func tableRejection(_ block: RulesetOutline.Block, error: IPTablesError, log: [String]) -> Diagnostic {
        var d = Diagnostic(file: file, line: block.commitLine, message: "the kernel refused table `\(block.table)': \(error.message)",
                           ruleText: "COMMIT")
        d.column = 1
        d.length = 6
        d.cause = log.isEmpty ? "the table fails without any of its rules: a chain declaration or policy is refused"
            : log.map { "kernel: \($0)" }.joined(separator: "\n")
        return d
    }

    /// The extension names a rule line uses (-p, -m, -j).
    private func extensions(_ words: LineWords) -> [String] {
        var names: [String] = []
        for (i, w) in words.list.enumerated() where i + 1 < words.list.count {
            let name = words.list[i + 1].text
            if ["-m", "--match", "-p", "--protocol", "-j", "--jump"].contains(w.text), !Names.isVerdict(name),
               !outline.blocks.contains(where: { $0.chains.contains { $0.name == name } }) {
                names.append(name)
            }
        }
        return names
    }

    private func missingModules(_ words: LineWords, _ registered: (matches: Set<String>?, targets: Set<String>?)) -> String? {
        guard let matches = registered.matches, let targets = registered.targets else { return nil }
        var missing: [String] = []
        for (i, w) in words.list.enumerated() where i + 1 < words.list.count {
            let name = words.list[i + 1].text
            if ["-m", "--match"].contains(w.text), !matches.contains(name) { missing.append("match \(name)") }
            if ["-j", "--jump"].contains(w.text), name.uppercased() == name, !Names.isVerdict(name),
               !targets.contains(name) { missing.append("target \(name)") }
        }
        guard !missing.isEmpty else { return nil }
        return "the plugin is there but the kernel has no module for " + missing.joined(separator: ", ")
    }

    // MARK: - Words and locations

    /// The message without the program name in front and the newlines after.
    private func cleaned(_ message: String) -> String {
        var m = Substring(message)
        for prefix in ["\(programName): ", "\(programName) v\(XtablesVersion.string): "] where m.hasPrefix(prefix) {
            m = m.dropFirst(prefix.count)
        }
        var lines = m.split(separator: "\n", omittingEmptySubsequences: true)
        if lines.isEmpty { lines = [""] }
        var first = String(lines[0])
        if first.hasPrefix("Can't set policy"), let colon = first.lastIndex(of: ":") {
            // "Can't set policy `X' on `Y' line N: why": the line is the diagnostic's.
            let head = first[..<colon].reversed().drop { $0.isNumber }
            if String(head.prefix(6).reversed()) == " line " {
                first = String(head.dropFirst(6).reversed()) + first[colon...]
            }
        }
        return first
    }

    /// The first word the message quotes: `x' (iptables' usual quotes), else "x", else
    /// 'x' (an apostrophe inside a word, as in "Couldn't", opens nothing).
    func quotedWord(in message: String) -> String? {
        let chars = Array(message)
        for (open, close) in [("`", "'"), ("\"", "\""), ("'", "'")] as [(Character, Character)] {
            for (i, c) in chars.enumerated() where c == open && (open != "'" || i == 0 || chars[i - 1] == " ") {
                if let j = chars[(i + 1)...].firstIndex(of: close), j > i + 1 { return String(chars[(i + 1)..<j]) }
            }
        }
        return nil
    }

    /// Sets the column on the word (or the word a `*`/`:` prefix hides it in); else on the
    /// word the parser had reached.
    private func point(at word: String?, argument: SourceLocation?, in words: LineWords, into d: inout Diagnostic) {
        if let w = word, let hit = words.find(w) {
            d.column = hit.column
            d.length = hit.length
        } else if let column = argument?.column, let hit = words.list.first(where: { $0.column == column }) {
            d.column = hit.column
            d.length = hit.length
        } else if let first = words.first {
            d.column = first.column
            d.length = first.length
        }
    }
}

/// The words of a line with their 1-based columns (quoted words at their quote).
struct LineWords {
    struct Word {
        var text: String
        var column: Int
        var length: Int
    }

    private(set) var list: [Word] = []

    init(_ text: String) {
        let bytes = Array(text.utf8)
        let columns = bytes.withUnsafeBufferPointer { RestoreTokenizer.wordColumns($0) }
        for (k, c) in columns.enumerated() {
            var end = c - 1
            let quoted = bytes[end] == 0x22
            if quoted {
                end += 1
                while end < bytes.count && bytes[end] != 0x22 { end += bytes[end] == 0x5C ? 2 : 1 }
                end = min(end + 1, bytes.count)
            } else {
                while end < bytes.count && bytes[end] != 0x20 && bytes[end] != 0x09 && bytes[end] != 0x0A { end += 1 }
            }
            let raw = String(decoding: bytes[(c - 1)..<end], as: UTF8.self)
            let word = quoted && raw.count >= 2 ? String(raw.dropFirst().dropLast()) : raw
            _ = k
            list.append(Word(text: word, column: c, length: max(1, end - (c - 1))))
        }
    }

    var first: Word? { list.first }

    /// The first word equal to `w`, or whose text after a leading `*`, `:` or `[…]` is.
    func find(_ w: String) -> Word? {
        list.first { $0.text == w } ?? list.first { $0.text.dropFirst() == w[...] }
            ?? list.first { $0.text.hasPrefix(w) && w.count > 2 }
    }

    /// The word after the first of these option words.
    func argument(after options: [String]) -> Word? {
        for (i, w) in list.enumerated() where options.contains(w.text) && i + 1 < list.count { return list[i + 1] }
        return nil
    }
}
