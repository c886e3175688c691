import CXtables

/// Rules as iptables-save and `iptables -S` write them ("-A CHAIN ... -j TARGET").
enum RuleSaveFormat {
    /// How counters appear: not at all, as a "[p:b] " prefix (save -c), or " -c p b" (-v -S).
    enum Counters { case none, prefix, inline }

    /// Writes one rule line through Out (extensions write their parts themselves).
    static func write(entry: UnsafeRawPointer, chain: String, counters: Counters, session: TableSession) throws {
        let family = session.family
        let h = RuleHeader(entry: entry, family: family)
        var s = ""
        if counters == .prefix { s += "[\(h.raw.pcnt):\(h.raw.bcnt)] " }
        s += "-A \(chain)"
        let inv = h.raw.invflags
        s += AddressText.save("s", address: h.source, mask: h.sourceMask, inverted: inv & InvFlag.srcIP != 0, family: family)
        s += AddressText.save("d", address: h.destination, mask: h.destinationMask, inverted: inv & InvFlag.dstIP != 0, family: family)
        s += AddressText.saveInterface("i", name: h.inInterface, mask: h.inMask, inverted: inv & InvFlag.viaIn != 0)
        s += AddressText.saveInterface("o", name: h.outInterface, mask: h.outMask, inverted: inv & InvFlag.viaOut != 0)
        if h.raw.proto > 0 {
            if inv & InvFlag.proto != 0 { s += " !" }
            s += " -p " + (Protocols.name(h.raw.proto, lookup: true) ?? String(h.raw.proto))
        }
        if !family.isIPv6 && h.raw.flags & fragmentFlag != 0 {
            s += (inv & InvFlag.frag != 0 ? " !" : "") + " -f"
        }
        Out.write(s)
        try writeMatches(entry: entry, family: family)
        if counters == .inline { Out.write(" -c \(h.raw.pcnt) \(h.raw.bcnt)") }
        try writeTarget(entry: entry, header: h, session: session)
        Out.write("\n")
    }

    private static func writeMatches(entry: UnsafeRawPointer, family: Family) throws {
        var i: UInt32 = 0
        while let m = shim_entry_match(family.nfproto, entry, i) {
            i += 1
            let name = String(cString: shim_match_name(m))
            guard let match = try? Extensions.findMatch(name, .tryLoad, into: nil) else {
                if shim_match_size(m) != 0 {
                    throw ToolError(.other, "Can't find library for match `\(name)'\n", style: .plain)
                }
                continue
            }
            let exact = xtables_find_match_revision(name, XTF_TRY_LOAD, match, Int32(shim_match_revision(m)))
            let shown = exact ?? match
            let alias = shown.pointee.alias.map { String(cString: $0(m)!) } ?? name
            Out.write(" -m \(alias)")
            if let e = exact, e.pointee.save != nil {
                guard shim_match_save(e, entry, m) == 0 else { throw ToolError.caught() }
            } else if match.pointee.save != nil {
                Out.write(" [unsupported revision]")
            }
        }
    }

    private static func writeTarget(entry: UnsafeRawPointer, header h: RuleHeader, session: TableSession) throws {
        let family = session.family
        let t = shim_entry_target(family.nfproto, entry)!
        let targetName = session.targetName(of: entry)
        let blobName = String(cString: shim_target_name(t))
        if blobName.isEmpty {
            if !targetName.isEmpty {
                Out.write(h.raw.flags & family.gotoFlag != 0 ? " -g \(targetName)" : " -j \(targetName)")
            }
            return
        }
        guard let target = try? Extensions.findTarget(blobName, .tryLoad) else {
            throw ToolError(.other, "Can't find library for target `\(blobName)'\n", style: .plain)
        }
        let exact = xtables_find_target_revision(blobName, XTF_TRY_LOAD, target, Int32(shim_target_revision(t)))
        let shown = exact ?? target
        let alias = shown.pointee.alias.map { String(cString: $0(t)!) } ?? targetName
        Out.write(" -j \(alias)")
        if let e = exact, e.pointee.save != nil {
            guard shim_target_save(e, entry, t) == 0 else { throw ToolError.caught() }
        } else if target.pointee.save != nil {
            Out.write(" [unsupported revision]")
        } else if shim_target_size(t) != 32 {
            throw ToolError(.other, "Target `\(blobName)' is missing save function\n", style: .plain)
        }
    }
}
