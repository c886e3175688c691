import CXtables
import Glibc

/// Parses an iptables command line the way iptables-legacy 1.8.9 does: getopt_long over
/// a C argv whose option table grows as -m/-p/-j load extensions, with `!` tokens,
/// GNU abbreviations and extension options handed to libxtables.
final class RuleParser {
    let family: Family
    let programName: String
    /// Parsing a line of iptables-restore (some options are refused there).
    let restore: Bool
    private let argv: CArgv
    private let result = ParsedCommand()
    private var invert = false
    private var protocolName: String?
    private var protocolMatchUsed = false
    private var waitIntervalSet = false
    private var tableSet = false
    /// The -s/-d arguments, as the words of argv (alive as long as the parser).
    private var sourceSpec: UnsafePointer<CChar>?
    private var destinationSpec: UnsafePointer<CChar>?
    private let scratchEntry: UnsafeMutableRawPointer

    /// Outcome of a parse: a command to run, or a request already served (help, version).
    enum Outcome {
        case run(ParsedCommand)
        case finished
    }

    convenience init(family: Family, programName: String, arguments: [String], restore: Bool, table: String = "filter") {
        self.init(family: family, programName: programName, argv: CArgv(arguments), restore: restore, table: table)
    }

    init(family: Family, programName: String, argv: CArgv, restore: Bool, table: String = "filter") {
        self.family = family
        self.programName = programName
        self.restore = restore
        self.argv = argv
        self.scratchEntry = shim_entry_scratch(family.nfproto)
        result.table = table
    }

    deinit { free(scratchEntry) }

    /// Parses the whole line. Throws ToolError on any problem, rendered later.
    func parse() throws -> Outcome {
        Extensions.resetForNewRule()
        optind = 0
        opterr = 0
        while true {
            let c = getopt_long(argv.count, argv.pointer, BaseOptions.optstringC, shim_options(), nil)
            if c == -1 { break }
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

    private var arg: String { String(cString: optarg) }

    /// One getopt result: a command, a generic option, `!`, a stray word, or an extension option.
    private func handle(_ c: Int32) throws -> Step {
        switch UnicodeScalar(UInt8(truncatingIfNeeded: c)) {
        case _ where c > 255: return try extensionOption(c)
        case "A": try add(.append); result.chain = arg
        case "C": try add(.check); result.chain = arg
        case "D":
            try add(.delete); result.chain = arg
            if hasNextArgument {
                result.ruleNumber = try ruleNumber(nextArgument())
                result.commands = .deleteNum
            }
        case "R":
            try add(.replace); result.chain = arg
            guard hasNextArgument else { throw ToolError.parameter("-R requires a rule number") }
            result.ruleNumber = try ruleNumber(nextArgument())
        case "I":
            try add(.insert); result.chain = arg
            result.ruleNumber = hasNextArgument ? try ruleNumber(nextArgument()) : 1
        case "L", "S":
            try add(c == 0x4C ? .list : .listRules, allowing: [.zero, .zeroNum])
            optionalChain()
            if hasNextArgument { result.ruleNumber = try ruleNumber(nextArgument()) }
        case "F": try add(.flush); optionalChain()
        case "Z":
            try add(.zero, allowing: [.list, .listRules]); optionalChain()
            if hasNextArgument {
                result.ruleNumber = try ruleNumber(nextArgument())
                result.commands = .zeroNum
            }
        case "N":
            try ChainName.validate(arg)
            try add(.newChain); result.chain = arg
        case "X": try add(.deleteChain); optionalChain()
        case "E":
            try add(.renameChain); result.chain = arg
            guard hasNextArgument else { throw ToolError.parameter("-E requires old-chain-name and new-chain-name") }
            let newName = nextArgument()
            try ChainName.validate(newName)
            result.newName = newName
        case "P":
            try add(.setPolicy); result.chain = arg
            guard hasNextArgument else { throw ToolError.parameter("-P requires a chain and a policy") }
            result.policy = nextArgument()
        case "h": try printHelp(); return .finished
        case "p": try parseProtocol()
        case "s": try set(.source); sourceSpec = UnsafePointer(argv.raw(optind - 1))
        case "d": try set(.destination); destinationSpec = UnsafePointer(argv.raw(optind - 1))
        case "g":
            try set(.jump)
            result.isGoto = true
            result.jumpTo = try Extensions.validTargetName(arg)
        case "j":
            try set(.jump)
            try loadTarget(argv.raw(optind - 1))
        case "i", "o": try parseInterface(c == 0x69)
        case "f":
            if family.isIPv6 { throw ToolError.parameter("`-f' is not supported in IPv6, use -m frag instead") }
            try set(.fragment)
            result.header.flags |= fragmentFlag
        case "v":
            if result.verbose == 0 { try set(.verbose) }
            result.verbose += 1
        case "m": try loadMatch(optarg)
        case "n": try set(.numeric)
        case "t":
            if invert { throw ToolError.parameter("unexpected ! flag before --table") }
            if restore && tableSet { throw ToolError.parameter("The -t option cannot be used in \(programName).\n") }
            result.table = arg
            tableSet = true
        case "x": try set(.expanded)
        case "V":
            Out.write(invert ? "Not \(Version.string) ;-)\n" : "\(programName) v\(Version.string)\n")
            return .finished
        case "w":
            if restore { throw ToolError.parameter("You cannot use `-w' from iptables-restore") }
            result.wait = try WaitOptions.seconds(argv)
        case "W":
            if restore { throw ToolError.parameter("You cannot use `-W' from iptables-restore") }
            try WaitOptions.interval(argv)
            waitIntervalSet = true
        case "0": try set(.lineNumbers)
        case "M": xtables_modprobe_program = UnsafePointer(strdup(arg))
        case "c": try parseCounters()
        case "4":
            if !family.isIPv6 { break }
            if restore { return .ignoreLine }
            throw ToolError(.parameter, "", style: .tryHelp)
        case "6":
            if family.isIPv6 { break }
            if restore { return .ignoreLine }
            throw ToolError(.parameter, "", style: .tryHelp)
        case "\u{1}":
            if optarg[0] == 0x21 && optarg[1] == 0 {
                if invert { throw ToolError.parameter("multiple consecutive ! not allowed") }
                invert = true
                optarg[0] = 0
                return .again
            }
            throw ToolError(.parameter, "Bad argument `\(arg)'\n", style: .tryHelp)
        default:
            return try extensionOption(c)
        }
        return .next
    }

    // MARK: - Commands and generic options

    /// Adds a command; iptables allows only -L/-S with -Z together.
    private func add(_ cmd: Commands, allowing others: Commands = []) throws {
        if invert { throw ToolError.parameter("unexpected '!' flag") }
        let clash = result.commands.subtracting(others)
        if !clash.isEmpty { throw ToolError.parameter("Cannot use -\(cmd.letter) with -\(clash.letter)") }
        result.commands.formUnion(cmd)
    }

    /// Records a generic option once, with the inversion a preceding `!` asked for.
    private func set(_ option: GenericOptions) throws {
        if result.options.contains(option) {
            throw ToolError.parameter("multiple -\(option.letter) flags not allowed")
        }
        result.options.insert(option)
        if invert {
            let bit = GenericOptions.inversions[option.index]
            if bit == 0 { throw ToolError.parameter("cannot have ! before -\(option.letter)") }
            result.header.invflags |= bit
        }
    }

    /// iptables' xs_has_arg: the next word exists and starts with neither '-' nor '!'.
    private var hasNextArgument: Bool {
        guard optind < argv.count else { return false }
        let first = argv.raw(optind)[0]
        return first != 0x2D && first != 0x21
    }

    /// The next word, consumed (the optional arguments iptables reads itself).
    private func nextArgument() -> String {
        defer { optind += 1 }
        return argv[optind]
    }

    /// The optional chain of -L/-S/-F/-Z/-X: attached (`-Lfoo`) or the next word.
    private func optionalChain() {
        if optarg != nil { result.chain = arg } else if hasNextArgument { result.chain = nextArgument() }
    }

    /// A rule number: 1 up to INT_MAX, in any base strtoul reads.
    private func ruleNumber(_ s: String) throws -> UInt32 {
        var n: UInt32 = 0
        guard xtables_strtoui(s, nil, &n, 1, UInt32(Int32.max)) else {
            throw ToolError.parameter("Invalid rule number `\(s)'")
        }
        return n
    }

    /// -p: lower-cased in argv (as iptables does), resolved, and put in the rule header.
    private func parseProtocol() throws {
        try set(.proto)
        let raw = argv.raw(optind - 1)
        var p = raw
        while p.pointee != 0 { p.pointee = CChar(truncatingIfNeeded: tolower(Int32(p.pointee))); p += 1 }
        let name = String(cString: raw)
        protocolName = name
        var proto: UInt16 = 0
        guard shim_parse_protocol(name, &proto) == 0 else { throw ToolError.caught() }
        if proto == 0 && result.header.invflags & InvFlag.proto != 0 {
            throw ToolError.parameter("rule would never match protocol")
        }
        result.header.proto = proto
        if family.isIPv6 {
            result.header.flags |= ipv6ProtoFlag
            let extensionHeaders: Set<UInt16> = [43, 44, 51, 60]
            if extensionHeaders.contains(proto) && result.header.invflags & InvFlag.proto == 0 {
                Out.error("Warning: never matched protocol: \(name). use extension match instead.\n")
            }
        }
        shim_entry_set_ip(family.nfproto, scratchEntry, &result.header)
    }

    /// -i/-o: name and wildcard mask through libxtables.
    private func parseInterface(_ incoming: Bool) throws {
        if optarg[0] == 0 { throw ToolError.parameter("Empty interface is likely to be undesired") }
        try set(incoming ? .inInterface : .outInterface)
        let status: Int32 = withUnsafeMutableBytes(of: &result.header) { raw in
            let base = raw.baseAddress!
            let nameOffset = incoming ? MemoryLayout<shim_rule_ip>.offset(of: \.iniface)! : MemoryLayout<shim_rule_ip>.offset(of: \.outiface)!
            let maskOffset = incoming ? MemoryLayout<shim_rule_ip>.offset(of: \.iniface_mask)! : MemoryLayout<shim_rule_ip>.offset(of: \.outiface_mask)!
            return shim_parse_interface(argv.raw(optind - 1),
                                        (base + nameOffset).assumingMemoryBound(to: CChar.self),
                                        (base + maskOffset).assumingMemoryBound(to: UInt8.self))
        }
        if status != 0 { throw ToolError.caught() }
    }

    /// -c PKTS BYTES, or -c PKTS,BYTES.
    private func parseCounters() throws {
        try set(.counters)
        let pcnt = arg
        var bcnt: String?
        if let comma = pcnt.dropFirst().firstIndex(of: ",") { bcnt = String(pcnt[pcnt.index(after: comma)...]) }
        if bcnt == nil && hasNextArgument { bcnt = nextArgument() }
        guard let b = bcnt else { throw ToolError.parameter("-c requires packet and byte counter") }
        guard let p = CNumber.scanUnsigned(pcnt) else { throw ToolError.parameter("-c packet counter not numeric") }
        guard let bb = CNumber.scanUnsigned(b) else { throw ToolError.parameter("-c byte counter not numeric") }
        result.header.pcnt = p
        result.header.bcnt = bb
    }

    // MARK: - Extensions

    /// -m: loads the match, gives it its blob, merges its options.
    private func loadMatch(_ name: UnsafePointer<CChar>) throws {
        if invert { throw ToolError.parameter("unexpected ! flag before --match") }
        var found: UnsafeMutablePointer<xtables_match>?
        guard shim_find_match(name, XTF_LOAD_MUST_SUCCEED, &result.matches, &found) == 0, let m = found else {
            throw ToolError.caught()
        }
        var entryName = UnsafePointer(m.pointee.name!)
        if let real = m.pointee.real_name {
            entryName = real
            if m.pointee.ext_flags & UInt8(XTABLES_EXT_ALIAS.rawValue) == 0 {
                Out.error("Notice: the \(String(cString: m.pointee.name)) match is converted into \(String(cString: real)) match in rule listing and saving.\n")
            }
        }
        guard shim_match_prepare(m, entryName) == 0 else { throw ToolError.caught() }
    }

    /// -j: a target extension, or (when none loads) a verdict or chain name.
    private func loadTarget(_ name: UnsafePointer<CChar>) throws {
        result.jumpTo = try Extensions.validTargetName(String(cString: name))
        if Extensions.isAnnounced(result.jumpTo) { return }
        var found: UnsafeMutablePointer<xtables_target>?
        guard shim_find_target(name, XTF_TRY_LOAD, &found) == 0 else { throw ToolError.caught() }
        guard let t = found else { return }
        var entryName = name
        if let real = t.pointee.real_name {
            entryName = real
            if t.pointee.ext_flags & UInt8(XTABLES_EXT_ALIAS.rawValue) == 0 {
                Out.error("Notice: The \(result.jumpTo) target is converted into \(String(cString: real)) target in rule listing and saving.\n")
            }
        }
        guard shim_target_prepare(t, entryName) == 0 else { throw ToolError.caught() }
        result.target = t
    }

    /// An option code that is not a base option: the target's, a match's, or the protocol
    /// match's to be loaded on demand (iptables' command_default).
    private func extensionOption(_ c: Int32) throws -> Step {
        let code = UInt32(bitPattern: c)
        if let t = result.target, t.pointee.parse != nil || t.pointee.x6_parse != nil,
           code >= t.pointee.option_offset, code < t.pointee.option_offset + 256 {
            guard shim_target_parse(c, argv.pointer, invert, t, scratchEntry) == 0 else { throw ToolError.caught() }
            return .next
        }
        var node = result.matches
        while let n = node {
            let m = n.pointee.match!
            if !n.pointee.completed && (m.pointee.parse != nil || m.pointee.x6_parse != nil),
               code >= m.pointee.option_offset, code < m.pointee.option_offset + 256 {
                guard shim_match_parse(c, argv.pointer, invert, m, scratchEntry) == 0 else { throw ToolError.caught() }
                return .next
            }
            node = n.pointee.next
        }
        if try loadProtocolMatch() {
            optind -= 1
            return .again
        }
        if c == 0x3A {
            throw ToolError.parameter("option \"\(argv[optind - 1])\" requires an argument")
        }
        if c == 0x3F {
            let shown = optopt != 0 ? "-" + String(UnicodeScalar(UInt8(truncatingIfNeeded: optopt))) : argv[optind - 1]
            throw ToolError.parameter("unknown option \"\(shown)\"")
        }
        throw ToolError.parameter("Unknown arg \"\(optarg.map { String(cString: $0) } ?? "(null)")\"")
    }

    /// Loads the match named by -p for an option nobody claimed; true when it did.
    private func loadProtocolMatch() throws -> Bool {
        guard let proto = protocolName else { return false }
        let numeric = result.options.contains(.numeric)
        if Extensions.protocolMatch(proto, .dontLoad, numeric: numeric, into: nil) != nil && protocolMatchUsed {
            return false
        }
        guard let m = Extensions.protocolMatch(proto, .tryLoad, numeric: numeric, into: &result.matches) else {
            return false
        }
        protocolMatchUsed = true
        guard shim_proto_match_prepare(m) == 0 else { throw ToolError.caught() }
        return true
    }

    // MARK: - Help

    /// -h: usage and the help of every extension named so far (the -p match too).
    private func printHelp() throws {
        if result.matches == nil, let proto = protocolName {
            _ = try? Extensions.findMatch(proto, .tryLoad, into: &result.matches)
        }
        Help.print(family: family, programName: programName, matches: result.matches)
    }

    // MARK: - After the last option

    /// The checks iptables makes after the last option, in its order.
    private func finish() throws {
        if result.table == "nat" && (result.policy == "DROP" || result.jumpTo == "DROP") {
            throw ToolError.parameter("\nThe \"nat\" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n")
        }
        if result.wait == 0 && waitIntervalSet {
            throw ToolError.parameter("--wait-interval only makes sense with --wait\n")
        }
        guard shim_final_checks(result.matches, result.target) == 0 else { throw ToolError.caught() }
        // getopt stops at "--", leaving words unread.
        if optind < argv.count { throw ToolError.parameter("unknown arguments found on commandline") }
        if result.commands.isEmpty { throw ToolError.parameter("no command specified") }
        if invert { throw ToolError.parameter("nothing appropriate following !") }
        try resolveAddresses()
        if result.commands == .replace && (result.sources.count != 1 || result.destinations.count != 1) {
            throw ToolError.parameter("Replacement rule does not specify a unique address")
        }
        if let o = OptionLegality.firstIllegal(result.options, for: result.commands) {
            throw ToolError.parameter("Illegal option `-\(o.letter)' with this command")
        }
        if let chain = result.chain, chain.utf8.count >= 29 {
            throw ToolError.parameter("chain name `\(chain)' too long (must be under 29 chars)")
        }
        try checkInterfaceDirection()
        if result.isGoto { result.header.flags |= family.gotoFlag }
    }

    /// -s/-d lists (the any-address for rule commands without them).
    private func resolveAddresses() throws {
        let ruleCommand = !result.commands.intersection(Commands.ruleCommands).isEmpty
        if let s = sourceSpec {
            result.sources = try Addresses.parse(s, family: family)
        } else if ruleCommand {
            result.sources = try Addresses.any(family: family)
        }
        if let d = destinationSpec {
            result.destinations = try Addresses.parse(d, family: family)
        } else if ruleCommand {
            result.destinations = try Addresses.any(family: family)
        }
        if (result.sources.count > 1 || result.destinations.count > 1)
            && result.header.invflags & (InvFlag.srcIP | InvFlag.dstIP) != 0 {
            throw ToolError.parameter("! not allowed with multiple source or destination IP addresses")
        }
    }

    /// No -o on incoming chains, no -i on outgoing ones.
    private func checkInterfaceDirection() throws {
        let ruleish: Commands = [.append, .delete, .deleteNum, .check, .insert, .replace]
        guard result.commands == result.commands.intersection(ruleish), !result.commands.isEmpty,
              let chain = result.chain else { return }
        if (chain == "PREROUTING" || chain == "INPUT") && result.options.contains(.outInterface) {
            throw ToolError.parameter("Can't use -o with \(chain)\n")
        }
        if (chain == "POSTROUTING" || chain == "OUTPUT") && result.options.contains(.inInterface) {
            throw ToolError.parameter("Can't use -i with \(chain)\n")
        }
    }
}
