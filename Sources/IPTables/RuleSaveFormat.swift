import CXtables

/// Rules as iptables-save and `iptables -S` write them ("-A CHAIN ... -j TARGET").
enum RuleSaveFormat {
    /// How counters appear: not at all, as a "[p:b] " prefix (save -c), or " -c p b" (-v -S).
    enum Counters { case none, prefix, inline }

    /// The line buffer shared by every rule written. Lines collect here and reach C stdout
    /// before an extension prints, when 64 KiB have gathered, and at `flush()`.
    private static var out = LineWriter()

    /// Writes out the rules gathered; callers do so before any other output.
    static func flush() { out.flush() }

    /// Writes one rule line (extensions write their parts themselves, in order).
    static func write(entry: UnsafeRawPointer, chain: String, counters: Counters, session: TableSession) throws {
        let family = session.family
        let h = RuleHeader(entry: entry, family: family)
        let inv = h.raw.invflags
        if counters == .prefix {
            out.put(byte: 0x5B); out.put(h.raw.pcnt); out.put(byte: 0x3A); out.put(h.raw.bcnt); out.put("] ")
        }
        out.put("-A "); out.put(chain)
        h.withAddresses { s, sm, d, dm in
            AddressText.save("s", address: s, mask: sm, inverted: inv & InvFlag.srcIP != 0, family: family, into: &out)
            AddressText.save("d", address: d, mask: dm, inverted: inv & InvFlag.dstIP != 0, family: family, into: &out)
        }
        h.withInterfaces { i, im, o, om in
            AddressText.saveInterface("i", name: i, mask: im, inverted: inv & InvFlag.viaIn != 0, into: &out)
            AddressText.saveInterface("o", name: o, mask: om, inverted: inv & InvFlag.viaOut != 0, into: &out)
        }
        if h.raw.proto > 0 {
            if inv & InvFlag.proto != 0 { out.put(" !") }
            out.put(" -p ")
            if let name = Protocols.name(h.raw.proto, lookup: true) { out.put(name) } else { out.put(UInt64(h.raw.proto)) }
        }
        if !family.isIPv6 && h.raw.flags & fragmentFlag != 0 {
            if inv & InvFlag.frag != 0 { out.put(" !") }
            out.put(" -f")
        }
        try writeMatches(entry: entry, family: family)
        if counters == .inline {
            out.put(" -c "); out.put(h.raw.pcnt); out.put(byte: 0x20); out.put(h.raw.bcnt)
        }
        try writeTarget(entry: entry, header: h, session: session)
        out.put(byte: 0x0A)
        if out.count >= 1 << 16 { out.flush() }
    }

    private static func writeMatches(entry: UnsafeRawPointer, family: Family) throws {
        var i: UInt32 = 0
        while let m = shim_entry_match(family.nfproto, entry, i) {
            i += 1
            let name = shim_match_name(m)!
            let found = PrintLookups.match(name, revision: shim_match_revision(m))
            guard let match = found.any else {
                if shim_match_size(m) != 0 {
                    out.flush()
                    throw ToolError(.other, "Can't find library for match `\(String(cString: name))'\n", style: .plain)
                }
                continue
            }
            let shown = found.exact ?? match
            out.put(" -m ")
            if let alias = shown.pointee.alias { out.put(cString: alias(m)!) } else { out.put(cString: name) }
            if let e = found.exact, e.pointee.save != nil {
                out.flush()
                guard shim_match_save(e, entry, m) == 0 else { throw ToolError.caught() }
            } else if match.pointee.save != nil {
                out.put(" [unsupported revision]")
            }
        }
    }

    private static func writeTarget(entry: UnsafeRawPointer, header h: RuleHeader, session: TableSession) throws {
        let family = session.family
        let t = shim_entry_target(family.nfproto, entry)!
        let blob = shim_target_name(t)!
        if blob.pointee == 0 {
            let label = session.targetLabel(of: entry)
            if label.pointee != 0 {
                out.put(h.raw.flags & family.gotoFlag != 0 ? " -g " : " -j ")
                out.put(cString: label)
            }
            return
        }
        let found = PrintLookups.target(blob, revision: shim_target_revision(t))
        guard let target = found.any else {
            out.flush()
            throw ToolError(.other, "Can't find library for target `\(String(cString: blob))'\n", style: .plain)
        }
        let shown = found.exact ?? target
        out.put(" -j ")
        if let alias = shown.pointee.alias { out.put(cString: alias(t)!) } else { out.put(cString: session.targetLabel(of: entry)) }
        if let e = found.exact, e.pointee.save != nil {
            out.flush()
            guard shim_target_save(e, entry, t) == 0 else { throw ToolError.caught() }
        } else if target.pointee.save != nil {
            out.put(" [unsupported revision]")
        } else if shim_target_size(t) != 32 {
            out.flush()
            throw ToolError(.other, "Target `\(String(cString: blob))' is missing save function\n", style: .plain)
        }
    }
}
