/// Rules as iptables-save and `iptables -S` write them ("-A CHAIN ... -j TARGET").
struct RuleSaveFormat {
    /// How counters appear: not at all, as a "[p:b] " prefix (save -c), or " -c p b" (-v -S).
    enum Counters { case none, prefix, inline }

    let context: XtablesContext
    let session: TableSession
    /// The line buffer. Lines collect here and reach the sink before an extension prints
    /// to C stdout, when 64 KiB have gathered, and at `flush()`.
    private var out: LineWriter

    init(context: XtablesContext, session: TableSession) {
        self.context = context
        self.session = session
        out = LineWriter(sink: context.output)
    }

    /// Writes text as it is (headers); on stdout it goes to C stdio at once.
    mutating func put(_ text: String) {
        out.put(text)
        out.flushIfDirect()
    }

    /// Writes lines gathered elsewhere (chain heads); on stdout they go to C stdio at once.
    mutating func put(_ lines: LineWriter) {
        lines.withBytes { out.put(bytes: $0) }
        out.flushIfDirect()
    }

    /// Writes out the rules gathered; callers do so before any other output.
    mutating func flush() { out.flush() }

    /// Writes one rule line (extensions write their parts themselves, in order).
    mutating func write(entry: UnsafeRawPointer, chain: String, counters: Counters) throws {
        try RuleSaveFormat.writeLine(entry: entry, chain: chain, counters: counters, context: context,
                                     session: session, into: &out)
        if out.count >= 1 << 16 { out.flush() }
    }

    /// Writes one rule line into a given writer.
    static func writeLine(entry: UnsafeRawPointer, chain: String, counters: Counters, context: XtablesContext,
                          session: TableSession, into out: inout LineWriter) throws {
        let family = session.family
        let h = RuleHeader(entry: entry, family: family)
        let inv = h.invflags
        if counters == .prefix {
            out.put(byte: 0x5B); out.put(h.packets); out.put(byte: 0x3A); out.put(h.bytes); out.put("] ")
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
        if h.proto > 0 {
            if inv & InvFlag.proto != 0 { out.put(" !") }
            out.put(" -p ")
            if let name = context.protocolName(h.proto, lookup: true) { out.put(name) } else { out.put(UInt64(h.proto)) }
        }
        if !family.isIPv6 && h.flags & fragmentFlag != 0 {
            if inv & InvFlag.frag != 0 { out.put(" !") }
            out.put(" -f")
        }
        try ExtensionPrinter.saveMatches(entry: entry, context: context, into: &out)
        if counters == .inline {
            out.put(" -c "); out.put(h.packets); out.put(byte: 0x20); out.put(h.bytes)
        }
        try ExtensionPrinter.saveTarget(entry: entry, isGoto: h.flags & family.gotoFlag != 0,
                                        label: session.targetLabel(of: entry), context: context, into: &out)
        out.put(byte: 0x0A)
    }
}
