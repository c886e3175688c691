import CXtables

/// Encoded entries to `Rule` values: the header fields, and each extension's canonical
/// option words taken from its own save callback.
struct RuleDecoder {
    let context: XtablesContext
    let session: TableSession
    private var family: Family { context.family }

    /// The rule `entry` of `chain`, decoded.
    func decode(_ entry: UnsafeRawPointer, chain: String) throws -> Rule {
        let h = RuleHeader(entry: entry, family: family)
        let size = shim_entry_size(family.nfproto, entry)
        var line = LineWriter()
        try RuleSaveFormat.writeLine(entry: entry, chain: chain, counters: .none, context: context,
                                     session: session, into: &line)
        let saveLine = line.withBytes { String(decoding: $0.dropLast(), as: UTF8.self) }
        let prefix = "-A \(chain)"
        let spec = try RestoreTokenizer.words(String(saveLine.dropFirst(prefix.utf8.count)))
        let (target, isGoto) = try decodeTarget(entry, flags: h.flags)
        return Rule(chain: chain, protocolNumber: h.proto, protocolInverted: h.invflags & InvFlag.proto != 0,
                    protocolName: h.proto == 0 ? nil : context.protocolName(h.proto, lookup: true) ?? String(h.proto),
                    source: addresses(h).source, destination: addresses(h).destination,
                    inInterface: interfaces(h).0, outInterface: interfaces(h).1,
                    fragmentInverted: fragment(h), matches: try decodeMatches(entry),
                    target: target, isGoto: isGoto, counters: Counters(packets: h.packets, bytes: h.bytes),
                    saveLine: saveLine, entry: Array(UnsafeRawBufferPointer(start: entry, count: size)),
                    specification: spec)
    }

    /// -s and -d, nil where the rule matches any address.
    private func addresses(_ h: RuleHeader) -> (source: AddressSpec?, destination: AddressSpec?) {
        h.withAddresses { s, sm, d, dm in
            (spec(s, sm, inverted: h.invflags & InvFlag.srcIP != 0), spec(d, dm, inverted: h.invflags & InvFlag.dstIP != 0))
        }
    }

    private func spec(_ a: UnsafeRawBufferPointer, _ m: UnsafeRawBufferPointer, inverted: Bool) -> AddressSpec? {
        let prefix = AddressText.prefixLength(m)
        if prefix == 0 && !inverted { return nil }
        let mask = prefix.map(String.init) ?? AddressText.ntop(m, family: family)
        return AddressSpec(address: AddressText.ntop(a, family: family), mask: mask, inverted: inverted)
    }

    /// -i and -o as iptables-save writes them ("eth+" for a wildcard).
    private func interfaces(_ h: RuleHeader) -> (InterfaceSpec?, InterfaceSpec?) {
        h.withInterfaces { i, im, o, om in
            func one(_ n: UnsafeRawBufferPointer, _ m: UnsafeRawBufferPointer, _ inv: Bool) -> InterfaceSpec? {
                let text = AddressText.saveInterface("i", name: Array(n), mask: Array(m), inverted: false)
                return text.isEmpty ? nil : InterfaceSpec(name: String(text.dropFirst(4)), inverted: inv)
            }
            return (one(i, im, h.invflags & InvFlag.viaIn != 0), one(o, om, h.invflags & InvFlag.viaOut != 0))
        }
    }

    private func fragment(_ h: RuleHeader) -> Bool? {
        guard !family.isIPv6, h.flags & fragmentFlag != 0 else { return nil }
        return h.invflags & InvFlag.frag != 0
    }

    /// Each match with the words its save callback prints.
    private func decodeMatches(_ entry: UnsafeRawPointer) throws -> [ExtensionSpec] {
        var out: [ExtensionSpec] = []
        var i: UInt32 = 0
        while let m = shim_entry_match(family.nfproto, entry, i) {
            var line = LineWriter()
            _ = try ExtensionPrinter.saveMatch(i, entry: entry, context: context, into: &line)
            let words = try RestoreTokenizer.words(line.text)
            out.append(ExtensionSpec(name: String(cString: shim_match_name(m)), revision: shim_match_revision(m),
                                     options: Array(words.dropFirst(2))))
            i += 1
        }
        return out
    }

    /// The target with its words, and whether the rule goes to it (-g).
    private func decodeTarget(_ entry: UnsafeRawPointer, flags: UInt8) throws -> (ExtensionSpec?, Bool) {
        var line = LineWriter()
        let isGoto = flags & family.gotoFlag != 0
        try ExtensionPrinter.saveTarget(entry: entry, isGoto: isGoto, label: session.targetLabel(of: entry),
                                        context: context, into: &line)
        let words = try RestoreTokenizer.words(line.text)
        guard words.count >= 2 else { return (nil, false) }
        let t = shim_entry_target(family.nfproto, entry)
        return (ExtensionSpec(name: words[1], revision: shim_target_revision(t), options: Array(words.dropFirst(2))), isGoto)
    }
}
