import Glibc

/// Carries out one parsed command on an open table, as iptables-legacy's do_command does.
/// A kernel failure throws `IPTablesError.kernel` (libiptc's errno); where iptables goes on
/// after a failure (every chain of -F/-Z/-X, every address pair) the last one is thrown
/// once the rest is done.
struct CommandRunner {
    let command: ParsedCommand
    let session: TableSession
    let context: XtablesContext
    /// A flushing restore still comparing its table with the live one: appends that match
    /// are taken without changing the table; anything else ends the comparison first.
    var lazy: LazyReplace? = nil
    /// A --noflush restore's record of what its block changes in the table.
    var watch: TableSnapshot? = nil

    private var family: Family { session.family }
    private var verbose: Bool { command.options.contains(.verbose) }
    private var chain: String { command.chain ?? "" }

    /// Runs the command; with -vv, then prints libiptc's dump of the table.
    func run() throws {
        if let l = lazy, l.active, command.commands != .append || command.verbose > 1 { try l.materialize() }
        if let w = watch {
            switch command.commands {
            case .append: w.willChange(chain)
            case .check, .list, .listRules: break
            case .setPolicy: w.willSetPolicy(chain)
            default: w.markChanged()  // inserts, deletes, flushes, zeroing, chains made or removed
            }
        }
        var failure: IPTablesError?
        do { try runCommand() } catch let e as IPTablesError where e.kind == .kernel { failure = e }
        if command.verbose > 1 {
            var out = LineWriter(sink: context.output)
            try session.dump(into: &out)
            out.flush()
        }
        if let f = failure { throw f }
    }

    private func runCommand() throws {
        let c = command.commands
        if c.isEmpty { return }
        if !c.intersection(Commands.ruleCommands).isEmpty { return try runRuleCommand() }
        switch c {
        case .deleteNum: try session.deleteRule(chain, at: command.ruleNumber - 1)
        case .flush: try forEachChain(includingBuiltins: true) { verboseLine("Flushing", $0); try session.flush($0) }
        case .zero: try zeroChains()
        case .zeroNum: try zeroRule()
        case .newChain: try session.createChain(chain)
        case .deleteChain:
            try forEachChain(includingBuiltins: false) { verboseLine("Deleting", $0); try session.deleteChain($0) }
        case .renameChain: try session.renameChain(chain, to: command.newName ?? "")
        case .setPolicy:
            let counters = command.options.contains(.counters) ? command.rule.counters : nil
            try session.setPolicy(chain, command.policy ?? "", counters: counters.map { ($0.packets, $0.bytes) })
        default: try runListing()
        }
    }

    // MARK: - Chains

    private func verboseLine(_ verb: String, _ name: String) {
        if verbose { context.output.write("\(verb) chain `\(name)'\n") }
    }

    /// Applies `body` to the named chain, or to every chain (user chains only unless
    /// asked), going on after a failure; the last failure is thrown at the end.
    private func forEachChain(includingBuiltins: Bool, _ body: (String) throws -> Void) throws {
        if let name = command.chain { return try body(name) }
        var failure: Error?
        for name in session.chains() where includingBuiltins || !session.isBuiltin(name) {
            do { try body(name) } catch { failure = error }
        }
        if let f = failure { throw f }
    }

    /// -Z [CHAIN]: zeroes the chain, or every chain, with -v naming each.
    private func zeroChains() throws {
        try forEachChain(includingBuiltins: true) { verboseLine("Zeroing", $0); try session.zero($0) }
    }

    /// -Z CHAIN N: zeroes rule N only. (iptables-legacy 1.8.9 also reset the chain's
    /// policy counters; that was fixed upstream and we keep them.)
    private func zeroRule() throws {
        let policy = session.policy(of: chain)
        try session.zeroRule(chain, number: command.ruleNumber)
        if let p = policy { try? session.setPolicy(chain, p.name, counters: (p.packets, p.bytes)) }
    }

    // MARK: - Listing

    /// -L or -S, then the -Z that may go with them.
    private func runListing() throws {
        let c = command.commands
        warnOfNftTables()
        if c.contains(.list) { try list() } else { try listRules() }
        if c.contains(.zero) { try zeroChains() }
        if c.contains(.zeroNum) { try zeroRule() }
    }

    /// Where iptables-nft warns of legacy tables (-L and -S, before the listing, whether or
    /// not it then succeeds), ours warns of iptables-nft's tables: the kernel's tables only.
    private func warnOfNftTables() {
        guard session.isKernelTable, let text = NftablesBackend.presenceWarning(family, save: false) else { return }
        context.warn(text)
    }

    /// The -L style the options ask for.
    private var listStyle: ListStyle {
        var style: ListStyle = [.options]
        style.insert(verbose ? .via : .noCounts)
        if command.options.contains(.numeric) { style.insert(.numeric) }
        if !command.options.contains(.expanded) { style.insert(.kiloMegaGiga) }
        if command.options.contains(.lineNumbers) { style.insert(.lineNumbers) }
        return style
    }

    /// -L: chain headers and rows in the table form.
    private func list() throws {
        let style = listStyle
        var printer = ListFormat(context: context, session: session)
        defer { printer.flush() }
        var found = false
        try session.forEachChain { name in
            guard command.chain == nil || command.chain == name else { return }
            if found { printer.put("\n") }
            if command.ruleNumber == 0 {
                let policy = session.isBuiltin(name) ? session.policy(of: name) : nil
                let refs = policy == nil ? session.references(of: name) : nil
                printer.writeHeader(chain: name, policy: policy, references: refs, style: style)
            }
            for (i, e) in session.rules(of: name).enumerated()
                where command.ruleNumber == 0 || i + 1 == Int(command.ruleNumber) {
                try printer.writeRow(entry: e, targetName: session.targetName(of: e), number: i + 1, style: style)
                printer.endRow()
            }
            found = true
        }
        if !found { throw IPTablesError.kernel(errno: ENOENT) }
    }

    /// -S: -P/-N lines, then the rules as commands.
    private func listRules() throws {
        let counters = verbose
        var printer = RuleSaveFormat(context: context, session: session)
        defer { printer.flush() }
        var found = false
        if command.ruleNumber == 0 {
            var head = LineWriter()
            session.forEachChain { name in
                guard command.chain == nil || command.chain == name else { return }
                found = true
                if session.isBuiltin(name), let p = session.policy(of: name) {
                    head.put("-P "); head.put(name); head.put(byte: 0x20); head.put(p.name)
                    if counters { head.put(" -c "); head.put(p.packets); head.put(byte: 0x20); head.put(p.bytes) }
                } else {
                    head.put("-N "); head.put(name)
                }
                head.put(byte: 0x0A)
            }
            printer.put(head)
        }
        try session.forEachChain { name in
            guard command.chain == nil || command.chain == name else { return }
            found = true
            for (i, e) in session.rules(of: name).enumerated()
                where command.ruleNumber == 0 || i + 1 == Int(command.ruleNumber) {
                try printer.write(entry: e, chain: name, counters: counters ? .inline : .none)
            }
        }
        if !found { throw IPTablesError.kernel(errno: ENOENT) }
    }

    // MARK: - Rules

    /// -A/-I/-R/-D/-C with a rule: one entry, once per source/destination pair; iptables
    /// goes on after a failing pair and reports the last failure.
    private func runRuleCommand() throws {
        try resolveTarget()
        guard verbose else { return try applyToEachEntry { _ in } }
        // -v echoes each entry first. (Its printer is made only then, and not as an
        // optional: destroying an optional ListFormat goes through its type metadata, which
        // a run then registers at run time.)
        var echo = ListFormat(context: context, session: session)
        defer { echo.flush() }
        let targetName = command.rule.targetName
        try applyToEachEntry { entry in
            try echo.writeRow(entry: entry, targetName: targetName, number: 0, style: .echo)
            echo.endRow()
        }
    }

    /// Applies the command to each encoded entry, `echo` first; goes on after a kernel
    /// failure and throws the last one at the end.
    private func applyToEachEntry(_ echo: (UnsafeRawPointer) throws -> Void) throws {
        let c = command.commands
        var failure: Error?
        try command.rule.withEntries(mask: c == .delete || c == .check) { entry, mask in
            try echo(entry)
            do { try apply(c, entry: entry, mask: mask) } catch let e as IPTablesError where e.kind == .kernel {
                failure = e
            }
        }
        if let f = failure { throw f }
    }

    /// One rule command with one encoded entry.
    private func apply(_ c: Commands, entry: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>?) throws {
        switch c {
        case .append:
            if let l = lazy, l.active {
                if l.take(chain, entry, counters: command.options.contains(.counters),
                          standard: command.rule.usesStandardTarget) { return }
                try l.materialize()
            }
            try session.append(chain, entry)
        case .insert: try session.insert(chain, entry, at: command.ruleNumber - 1)
        case .replace: try session.replace(chain, entry, at: command.ruleNumber - 1)
        case .delete: try session.delete(chain, entry, mask: mask!)
        default: try session.check(chain, entry, mask: mask!)
        }
    }

    /// The target of the rule: its extension, or the standard target for verdicts,
    /// chains and no target at all; unknown names fail as iptables reports them.
    private func resolveTarget() throws {
        let jump = command.jumpTo
        // A restore comparing with the live table knows the chains its next rule jumps to.
        let jumpIsChain = !jump.isEmpty && (lazy?.nextJumps(in: chain, to: jump) == true || session.isChain(jump))
        let rule = command.rule
        if rule.hasTarget && jumpIsChain {
            context.warn("Warning: using chain \(jump), not extension\n")
            rule.dropTarget()
        }
        if rule.hasTarget { return }
        if jump.isEmpty || jumpIsChain { return try rule.useStandardTarget(jump, setRevision: !jumpIsChain) }
        if command.isGoto { throw IPTablesError.parameter("goto '\(jump)' is not a chain") }
        try context.requireTarget(jump)
        throw IPTablesError.parameter("Couldn't load target `\(jump)'")
    }
}
