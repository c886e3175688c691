import Glibc

/// Parses an iptables command line the way iptables-legacy 1.8.9 does: getopt_long over
/// a C argv whose option table grows as -m/-p/-j load extensions, with `!` tokens,
/// GNU abbreviations and extension options handed to libxtables (through the Kernel
/// room's scanner and rule draft).
final class RuleParser {
    let context: XtablesContext
    var family: Family { context.family }
    var programName: String { context.programName }
    /// Parsing a line of iptables-restore (some options are refused there).
    let restore: Bool
    private let scanner: OptionScanner
    private let result: ParsedCommand
    private var rule: RuleDraft { result.rule }
    private var invert = false
    private var protocolName: String?
    private var protocolMatchUsed = false
    private var waitIntervalSet = false
    private var tableSet = false
    /// The indexes of the -s/-d words (read when the line is complete).
    private var sourceWord: Int32?
    private var destinationWord: Int32?

    /// Outcome of a parse: a command to run, or a request already served (help, version).
    enum Outcome {
        case run(ParsedCommand)
        case finished
    }

    convenience init(context: XtablesContext, arguments: [String], restore: Bool, table: String = "filter") {
        self.init(context: context, argv: CArgv(arguments), restore: restore, table: table)
    }

    /// `draft`: the rule draft to parse into (restore reuses one, reset, for every line);
    /// a new one by default.
    init(context: XtablesContext, argv: CArgv, restore: Bool, table: String = "filter", draft: RuleDraft? = nil) {
        self.context = context
        self.restore = restore
        self.scanner = OptionScanner(argv: argv, quiet: true)
        result = ParsedCommand(rule: draft ?? RuleDraft(context: context))
        result.table = table
    }

    /// Parses the whole line. Throws IPTablesError on any problem, rendered later.
    func parse() throws -> Outcome {
        RuleDraft.resetExtensionState()
        do {
            return try parseOptions()
        } catch let e as IPTablesError {
            throw e.located(argument: Int(scanner.index) - 1)
        }
    }

    private func parseOptions() throws -> Outcome {
        while let c = scanner.nextRuleOption() {
            switch try handle(c) {
            case .next: invert = false
            case .again: continue
            case .finished: return .finished
            case .ignoreLine:
                // Restore met -4 (ip6tables-restore) or -6 (iptables-restore): as in 1.8.9,
                // whatever came before still runs, without the checks and address parsing
                // that follow the last option. A leading -6 makes the line a no-op; `-L -6`
                // still lists; a rule command adds nothing (it has no addresses).
                return .run(result)
            }
        }
        try finish()
        return .run(result)
    }

    private enum Step { case next, again, finished, ignoreLine }

    // MARK: - One option

    private var arg: String { scanner.argument }

    /// One getopt result: a command, a generic option, `!`, a stray word, or an extension option.
    private func handle(_ c: Int32) throws -> Step {
        if c > 255 { return try extensionOption(c) }
        if try command(c) { return .next }
        return try option(c)
    }

    /// A command letter (-A, -D, -L, …) with the arguments it reads; false for anything else.
    private func command(_ c: Int32) throws -> Bool {
        switch UnicodeScalar(UInt8(truncatingIfNeeded: c)) {
        case "A": try add(.append); result.chain = arg
        case "C": try add(.check); result.chain = arg
        case "D":
            try add(.delete); result.chain = arg
            if scanner.hasNextArgument {
                result.ruleNumber = try ruleNumber(scanner.nextArgument())
                result.commands = .deleteNum
            }
        case "R":
            try add(.replace); result.chain = arg
            guard scanner.hasNextArgument else { throw IPTablesError.parameter("-R requires a rule number") }
            result.ruleNumber = try ruleNumber(scanner.nextArgument())
        case "I":
            try add(.insert); result.chain = arg
            result.ruleNumber = scanner.hasNextArgument ? try ruleNumber(scanner.nextArgument()) : 1
        case "L", "S":
            try add(c == 0x4C ? .list : .listRules, allowing: [.zero, .zeroNum])
            optionalChain()
            if scanner.hasNextArgument { result.ruleNumber = try ruleNumber(scanner.nextArgument()) }
        case "F": try add(.flush); optionalChain()
        case "Z":
            try add(.zero, allowing: [.list, .listRules]); optionalChain()
            if scanner.hasNextArgument {
                result.ruleNumber = try ruleNumber(scanner.nextArgument())
                result.commands = .zeroNum
            }
        case "N":
            try ChainName.validate(arg, context: context)
            try add(.newChain); result.chain = arg
        case "X": try add(.deleteChain); optionalChain()
        case "E":
            try add(.renameChain); result.chain = arg
            guard scanner.hasNextArgument else { throw IPTablesError.parameter("-E requires old-chain-name and new-chain-name") }
            let newName = scanner.nextArgument()
            try ChainName.validate(newName, context: context)
            result.newName = newName
        case "P":
            try add(.setPolicy); result.chain = arg
            guard scanner.hasNextArgument else { throw IPTablesError.parameter("-P requires a chain and a policy") }
            result.policy = scanner.nextArgument()
        default: return false
        }
        return true
    }

    /// A generic option, `!`, a stray word, or an extension's option.
    private func option(_ c: Int32) throws -> Step {
        switch UnicodeScalar(UInt8(truncatingIfNeeded: c)) {
        case "h": try printHelp(); return .finished
        case "p": try parseProtocol()
        case "s": try set(.source); sourceWord = scanner.index - 1
        case "d": try set(.destination); destinationWord = scanner.index - 1
        case "g":
            try set(.jump)
            result.isGoto = true
            result.jumpTo = try Names.validTargetName(arg)
        case "j":
            try set(.jump)
            // As iptables does: the word, not optarg (`-jACCEPT` names target "-jACCEPT").
            try loadTarget(scanner.rawWord(scanner.index - 1))
        case "i", "o": try parseInterface(c == 0x69)
        case "f":
            if family.isIPv6 { throw IPTablesError.parameter("`-f' is not supported in IPv6, use -m frag instead") }
            try set(.fragment)
            rule.setFlag(fragmentFlag)
        case "v":
            if result.verbose == 0 { try set(.verbose) }
            result.verbose += 1
        case "m": try loadMatch(scanner.rawArgument!)
        case "n": try set(.numeric)
        case "t": try setTable()
        case "x": try set(.expanded)
        case "V":
            context.output.write(invert ? "Not \(XtablesVersion.string) ;-)\n" : "\(programName) v\(XtablesVersion.string)\n")
            return .finished
        case "w", "W": try waitOption(c == 0x77)
        case "0": try set(.lineNumbers)
        case "M": XtablesProcess.setModprobe(arg)
        case "c": try parseCounters()
        case "4", "6": return try familyOption(ipv6: c == 0x36)
        case "\u{1}": return try strayWord()
        default:
            return try extensionOption(c)
        }
        return .next
    }

    /// -t TABLE (once only in restore).
    private func setTable() throws {
        if invert { throw IPTablesError.parameter("unexpected ! flag before --table") }
        if restore && tableSet { throw IPTablesError.parameter("The -t option cannot be used in \(programName).\n") }
        // Restore names its table on every line: the same name needs no new String.
        if let a = scanner.rawArgument, result.table.withCString({ strcmp($0, a) == 0 }) {
            tableSet = true
            return
        }
        result.table = arg
        tableSet = true
    }

    /// -w [SECONDS] or -W [USECONDS], refused in restore.
    private func waitOption(_ seconds: Bool) throws {
        if restore { throw IPTablesError.parameter("You cannot use `-\(seconds ? "w" : "W")' from iptables-restore") }
        if seconds {
            result.wait = try WaitOptions.seconds(scanner)
        } else {
            try WaitOptions.interval(scanner, context: context)
            waitIntervalSet = true
        }
    }

    /// -4/-6: nothing for its own family; the other family's ends a restore line quietly
    /// and is an error on the command line.
    private func familyOption(ipv6: Bool) throws -> Step {
        if ipv6 == family.isIPv6 { return .next }
        if restore { return .ignoreLine }
        throw IPTablesError(.parameter, "", style: .tryHelp)
    }

    /// A word that is no option: `!` (inverting what follows) or a stray argument.
    private func strayWord() throws -> Step {
        guard scanner.takeBang() else { throw IPTablesError(.parameter, "Bad argument `\(arg)'\n", style: .tryHelp) }
        if invert { throw IPTablesError.parameter("multiple consecutive ! not allowed") }
        invert = true
        return .again
    }

    // MARK: - Commands and generic options

    /// Adds a command; iptables allows only -L/-S with -Z together.
    private func add(_ cmd: Commands, allowing others: Commands = []) throws {
        if invert { throw IPTablesError.parameter("unexpected '!' flag") }
        let clash = result.commands.subtracting(others)
        if !clash.isEmpty { throw IPTablesError.parameter("Cannot use -\(cmd.letter) with -\(clash.letter)") }
        result.commands.formUnion(cmd)
    }

    /// Records a generic option once, with the inversion a preceding `!` asked for.
    private func set(_ option: GenericOptions) throws {
        if result.options.contains(option) {
            throw IPTablesError.parameter("multiple -\(option.letter) flags not allowed")
        }
        result.options.insert(option)
        if invert {
            let bit = GenericOptions.inversions[option.index]
            if bit == 0 { throw IPTablesError.parameter("cannot have ! before -\(option.letter)") }
            rule.invert(bit)
        }
    }

    /// The optional chain of -L/-S/-F/-Z/-X: attached (`-Lfoo`) or the next word.
    private func optionalChain() {
        if scanner.hasArgument { result.chain = arg } else if scanner.hasNextArgument { result.chain = scanner.nextArgument() }
    }

    /// A rule number: 1 up to INT_MAX, in any base strtoul reads.
    private func ruleNumber(_ s: String) throws -> UInt32 {
        guard let n = XtablesNumber.unsigned(s, min: 1, max: UInt32(Int32.max)) else {
            throw IPTablesError.parameter("Invalid rule number `\(s)'")
        }
        return n
    }

    /// -p: lower-cased in argv (as iptables does), resolved, and put in the rule header.
    private func parseProtocol() throws {
        try set(.proto)
        scanner.lowercaseWord(scanner.index - 1)
        let name = scanner.word(scanner.index - 1)
        protocolName = name
        try rule.setProtocol(name)
    }

    /// -i/-o: name and wildcard mask through libxtables.
    private func parseInterface(_ incoming: Bool) throws {
        if arg.isEmpty { throw IPTablesError.parameter("Empty interface is likely to be undesired") }
        try set(incoming ? .inInterface : .outInterface)
        // As iptables does: the word, not optarg (`-ieth0` is the interface "-ieth0").
        try rule.setInterface(incoming: incoming, scanner.word(scanner.index - 1))
    }

    /// -c PKTS BYTES, or -c PKTS,BYTES.
    private func parseCounters() throws {
        try set(.counters)
        let pcnt = arg
        var bcnt: String?
        if let comma = pcnt.dropFirst().firstIndex(of: ",") { bcnt = String(pcnt[pcnt.index(after: comma)...]) }
        if bcnt == nil && scanner.hasNextArgument { bcnt = scanner.nextArgument() }
        guard let b = bcnt else { throw IPTablesError.parameter("-c requires packet and byte counter") }
        guard let p = CounterText.number(pcnt) else { throw IPTablesError.parameter("-c packet counter not numeric") }
        guard let bb = CounterText.number(b) else { throw IPTablesError.parameter("-c byte counter not numeric") }
        rule.setCounters(packets: p, bytes: bb)
    }

    // MARK: - Extensions

    /// -m: loads the match, gives it its blob, merges its options.
    private func loadMatch(_ name: UnsafePointer<CChar>) throws {
        if invert { throw IPTablesError.parameter("unexpected ! flag before --match") }
        try rule.loadMatch(name)
    }

    /// -j: a target extension, or (when none loads) a verdict or chain name.
    private func loadTarget(_ name: UnsafePointer<CChar>) throws {
        result.jumpTo = try Names.validTargetName(String(cString: name))
        // A verdict names libxtables' standard target before any announced chain is asked.
        if !Names.isVerdict(result.jumpTo) && context.isAnnounced(result.jumpTo) { return }
        try rule.loadTarget(name, jumpTo: result.jumpTo)
    }

    /// An option code that is not a base option: the target's, a match's, or the protocol
    /// match's to be loaded on demand (iptables' command_default).
    private func extensionOption(_ c: Int32) throws -> Step {
        if try rule.parseExtensionOption(c, invert: invert, scanner: scanner) { return .next }
        if let proto = protocolName,
           try rule.loadProtocolMatch(proto, numeric: result.options.contains(.numeric), used: &protocolMatchUsed) {
            scanner.index -= 1
            return .again
        }
        if c == 0x3A {
            throw IPTablesError.parameter("option \"\(scanner.word(scanner.index - 1))\" requires an argument")
        }
        if c == 0x3F {
            let o = scanner.unknownOption
            let shown = o != 0 ? "-" + String(UnicodeScalar(UInt8(truncatingIfNeeded: o))) : scanner.word(scanner.index - 1)
            throw IPTablesError.parameter("unknown option \"\(shown)\"")
        }
        throw IPTablesError.parameter("Unknown arg \"\(scanner.argumentOrNull)\"")
    }

    // MARK: - Help

    /// -h: usage and the help of every extension named so far (the -p match too).
    private func printHelp() throws {
        var out = LineWriter(sink: context.output)
        Help.write(family: family, programName: programName, into: &out)
        try rule.writeExtensionHelps(protocolName: protocolName, into: &out)
        out.flush()
    }

    // MARK: - After the last option

    /// The checks iptables makes after the last option, in its order.
    private func finish() throws {
        if result.table == "nat" && (result.policy == "DROP" || result.jumpTo == "DROP") {
            throw IPTablesError.parameter("\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n")
        }
        if result.wait == 0 && waitIntervalSet {
            throw IPTablesError.parameter("--wait-interval only makes sense with --wait\n")
        }
        try rule.finalChecks()
        // getopt stops at "--", leaving words unread.
        if scanner.index < scanner.count { throw IPTablesError.parameter("unknown arguments found on commandline") }
        if result.commands.isEmpty { throw IPTablesError.parameter("no command specified") }
        if invert { throw IPTablesError.parameter("nothing appropriate following !") }
        try resolveAddresses()
        if result.commands == .replace && (rule.sourceCount != 1 || rule.destinationCount != 1) {
            throw IPTablesError.parameter("Replacement rule does not specify a unique address")
        }
        if let o = OptionLegality.firstIllegal(result.options, for: result.commands) {
            throw IPTablesError.parameter("Illegal option `-\(o.letter)' with this command")
        }
        if let chain = result.chain, chain.utf8.count >= 29 {
            throw IPTablesError.parameter("chain name `\(chain)' too long (must be under 29 chars)")
        }
        try checkInterfaceDirection()
        if result.isGoto { rule.setFlag(family.gotoFlag) }
    }

    /// -s/-d lists (the any-address for rule commands without them).
    private func resolveAddresses() throws {
        let ruleCommand = !result.commands.intersection(Commands.ruleCommands).isEmpty
        try rule.resolveAddresses(source: sourceWord.map { scanner.rawWord($0) },
                                  destination: destinationWord.map { scanner.rawWord($0) },
                                  ruleCommand: ruleCommand)
        if (rule.sourceCount > 1 || rule.destinationCount > 1)
            && rule.invflags & (InvFlag.srcIP | InvFlag.dstIP) != 0 {
            throw IPTablesError.parameter("! not allowed with multiple source or destination IP addresses")
        }
    }

    /// No -o on incoming chains, no -i on outgoing ones.
    private func checkInterfaceDirection() throws {
        let ruleish: Commands = [.append, .delete, .deleteNum, .check, .insert, .replace]
        guard result.commands == result.commands.intersection(ruleish), !result.commands.isEmpty,
              let chain = result.chain else { return }
        // Only rules with an interface are checked (no chain names compared for the rest).
        guard result.options.contains(.outInterface) || result.options.contains(.inInterface) else { return }
        if (chain == "PREROUTING" || chain == "INPUT") && result.options.contains(.outInterface) {
            throw IPTablesError.parameter("Can't use -o with \(chain)\n")
        }
        if (chain == "POSTROUTING" || chain == "OUTPUT") && result.options.contains(.inInterface) {
            throw IPTablesError.parameter("Can't use -i with \(chain)\n")
        }
    }
}
