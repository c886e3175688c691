import CXtables
import Glibc

/// The rule of one command line while it is parsed and then encoded: its header fields,
/// the extensions libxtables holds for it (matches in order, the target) and the
/// -s/-d address lists. The parser and the command runner drive it; it is the only
/// place that holds libxtables' per-rule state, and `release()` frees it.
final class RuleDraft {
    let context: XtablesContext
    private var family: Family { context.family }
    /// The loaded target extension, if -j named one (or the standard target once resolved).
    var target: UnsafeMutablePointer<xtables_target>?
    /// libxtables' list of the rule's matches, in order.
    var matches: UnsafeMutablePointer<xtables_rule_match>?
    /// Header fields (addresses are filled per source/destination pair).
    var header = shim_rule_ip()
    var sources = AddressList()
    var destinations = AddressList()
    /// The zeroed entry extensions parse into (their `fw` argument).
    private let scratchEntry: UnsafeMutableRawPointer
    /// The libxtables set-up the extension pointers belong to.
    private let generation: Int

    init(context: XtablesContext) {
        self.context = context
        scratchEntry = shim_entry_scratch(context.family.nfproto)
        generation = XtablesProcess.generation
    }

    deinit {
        release()
        free(scratchEntry)
    }

    /// Forgets the previous rule's extension state in libxtables (flags, used marks,
    /// merged options); each command line starts with it.
    static func resetExtensionState() {
        shim_reset_extension_flags()
        shim_reset_options()
    }

    /// Makes the draft ready for the next rule of a run (restore parses every line into
    /// the same draft): the extension state freed, the header and addresses cleared.
    func reset() {
        release()
        header = shim_rule_ip()
        sources = AddressList()
        destinations = AddressList()
        shim_entry_clear_header(context.family.nfproto, scratchEntry)
    }

    /// Frees the extension state held for this rule (again a no-op); deinit does it too,
    /// callers that are done early say so. It must happen before the context's family
    /// changes (the plugins behind the pointers are unloaded then).
    func release() {
        // After a family switch the plugins behind these pointers are gone: leak, don't touch.
        if XtablesProcess.generation == generation { shim_free_rule(&matches, target) }
        matches = nil
        target = nil
    }

    // MARK: - Header fields

    /// The protocol number (-p), 0 for any.
    var proto: UInt16 { header.proto }
    /// Inversion bits set so far (InvFlag).
    var invflags: UInt8 { header.invflags }
    func invert(_ bit: UInt8) { header.invflags |= bit }
    func setFlag(_ bit: UInt8) { header.flags |= bit }
    /// -c's counters.
    var counters: (packets: UInt64, bytes: UInt64) { (header.pcnt, header.bcnt) }
    func setCounters(packets: UInt64, bytes: UInt64) {
        header.pcnt = packets
        header.bcnt = bytes
    }
    var sourceCount: Int { sources.count }
    /// The names of the matches loaded so far, in order.
    var matchNames: [String] {
        var names: [String] = []
        var node = matches
        while let n = node {
            names.append(String(cString: n.pointee.match.pointee.name))
            node = n.pointee.next
        }
        return names
    }
    var destinationCount: Int { destinations.count }

    /// -p: the word (already lower-cased) resolved and put in the header.
    func setProtocol(_ name: String) throws {
        var proto: UInt16 = 0
        guard shim_parse_protocol(name, &proto) == 0 else { throw IPTablesError.caught() }
        if proto == 0 && header.invflags & InvFlag.proto != 0 {
            throw IPTablesError.parameter("rule would never match protocol")
        }
        header.proto = proto
        if family.isIPv6 {
            header.flags |= ipv6ProtoFlag
            let extensionHeaders: Set<UInt16> = [43, 44, 51, 60]
            if extensionHeaders.contains(proto) && header.invflags & InvFlag.proto == 0 {
                context.warn("Warning: never matched protocol: \(name). use extension match instead.\n")
            }
        }
        shim_entry_set_ip(family.nfproto, scratchEntry, &header)
    }

    /// -i/-o: name and wildcard mask through libxtables.
    func setInterface(incoming: Bool, _ name: String) throws {
        let status: Int32 = withUnsafeMutableBytes(of: &header) { raw in
            let base = raw.baseAddress!
            let l = MemoryLayout<shim_rule_ip>.self
            let nameOffset = incoming ? l.offset(of: \.iniface)! : l.offset(of: \.outiface)!
            let maskOffset = incoming ? l.offset(of: \.iniface_mask)! : l.offset(of: \.outiface_mask)!
            return shim_parse_interface(name, (base + nameOffset).assumingMemoryBound(to: CChar.self),
                                        (base + maskOffset).assumingMemoryBound(to: UInt8.self))
        }
        if status != 0 { throw IPTablesError.caught() }
    }

    /// -s/-d lists (the any-address for rule commands without them).
    func resolveAddresses(source: UnsafePointer<CChar>?, destination: UnsafePointer<CChar>?, ruleCommand: Bool) throws {
        if let s = source {
            sources = try Addresses.parse(s, family: family)
        } else if ruleCommand {
            sources = try Addresses.any(context)
        }
        if let d = destination {
            destinations = try Addresses.parse(d, family: family)
        } else if ruleCommand {
            destinations = try Addresses.any(context)
        }
    }

    // MARK: - Extensions

    /// -m: loads the match, gives it its blob, merges its options.
    func loadMatch(_ name: UnsafePointer<CChar>) throws {
        var found: UnsafeMutablePointer<xtables_match>?
        guard shim_find_match(name, XTF_LOAD_MUST_SUCCEED, &matches, &found) == 0, let m = found else {
            throw IPTablesError.caught()
        }
        var entryName = UnsafePointer(m.pointee.name!)
        if let real = m.pointee.real_name {
            entryName = real
            if m.pointee.ext_flags & UInt8(XTABLES_EXT_ALIAS.rawValue) == 0 {
                context.warn("Notice: the \(String(cString: m.pointee.name)) match is converted into \(String(cString: real)) match in rule listing and saving.\n")
            }
        }
        guard shim_match_prepare(m, entryName) == 0 else { throw IPTablesError.caught() }
    }

    /// -j: a target extension, if one of that name loads (else it is a verdict or chain).
    /// `name` is the word as given; `jumpTo` the same as a String, for messages.
    func loadTarget(_ name: UnsafePointer<CChar>, jumpTo: String) throws {
        var found: UnsafeMutablePointer<xtables_target>?
        guard shim_find_target(name, XTF_TRY_LOAD, &found) == 0 else { throw IPTablesError.caught() }
        guard let t = found else { return }
        var entryName = name
        if let real = t.pointee.real_name {
            entryName = real
            if t.pointee.ext_flags & UInt8(XTABLES_EXT_ALIAS.rawValue) == 0 {
                context.warn("Notice: The \(jumpTo) target is converted into \(String(cString: real)) target in rule listing and saving.\n")
            }
        }
        guard shim_target_prepare(t, entryName) == 0 else { throw IPTablesError.caught() }
        target = t
    }

    /// Hands an option code to the target or the match whose options it falls in;
    /// false when none claims it.
    func parseExtensionOption(_ c: Int32, invert: Bool, scanner: OptionScanner) throws -> Bool {
        let code = UInt32(bitPattern: c)
        if let t = target, t.pointee.parse != nil || t.pointee.x6_parse != nil,
           code >= t.pointee.option_offset, code < t.pointee.option_offset + 256 {
            guard shim_target_parse(c, scanner.argv.pointer, invert, t, scratchEntry) == 0 else { throw IPTablesError.caught() }
            return true
        }
        var node = matches
        while let n = node {
            let m = n.pointee.match!
            if !n.pointee.completed && (m.pointee.parse != nil || m.pointee.x6_parse != nil),
               code >= m.pointee.option_offset, code < m.pointee.option_offset + 256 {
                guard shim_match_parse(c, scanner.argv.pointer, invert, m, scratchEntry) == 0 else { throw IPTablesError.caught() }
                return true
            }
            node = n.pointee.next
        }
        return false
    }

    /// Loads the match named by -p for an option nobody claimed; true when it did.
    /// `used`: whether the protocol match was loaded this way before on this line.
    func loadProtocolMatch(_ proto: String, numeric: Bool, used: inout Bool) throws -> Bool {
        if context.protocolMatch(proto, .dontLoad, numeric: numeric, into: nil) != nil && used { return false }
        guard let m = context.protocolMatch(proto, .tryLoad, numeric: numeric, into: &matches) else { return false }
        used = true
        guard shim_proto_match_prepare(m) == 0 else { throw IPTablesError.caught() }
        return true
    }

    /// The final checks of every match and of the target (their required options).
    func finalChecks() throws {
        guard shim_final_checks(matches, target) == 0 else { throw IPTablesError.caught() }
    }

    /// -h: the help of every target used and every match named (the -p match too).
    func writeExtensionHelps(protocolName: String?, into out: inout LineWriter) throws {
        if matches == nil, let proto = protocolName {
            _ = try? context.findMatch(proto, .tryLoad, into: &matches)
        }
        try ExtensionHelp.write(matches: matches, into: &out)
    }
}
