/// libxtables' FMT_* flags that shape `iptables -L` output and the -v echo lines.
struct ListStyle: OptionSet {
    let rawValue: UInt32
    static let numeric = ListStyle(rawValue: 0x0001)
    static let noCounts = ListStyle(rawValue: 0x0002)
    static let kiloMegaGiga = ListStyle(rawValue: 0x0004)
    static let options = ListStyle(rawValue: 0x0008)
    static let noTable = ListStyle(rawValue: 0x0010)
    static let noTarget = ListStyle(rawValue: 0x0020)
    static let via = ListStyle(rawValue: 0x0040)
    static let lineNumbers = ListStyle(rawValue: 0x0100)
    /// The one-line form of `-v` rule commands.
    static let echo: ListStyle = [.noCounts, .options, .via, .numeric, .noTable]

    /// The tabular or the compact form of a field, as iptables' FMT(tab, notab).
    func pick(_ table: String, _ compact: String) -> String { contains(.noTable) ? compact : table }
}

/// `iptables -L` text: chain headers and rule rows, and the -v echo of rule commands,
/// written through a line buffer into the context's sink.
struct ListFormat {
    let context: XtablesContext
    let session: TableSession
    /// The line buffer every row is built in.
    private var out: LineWriter

    init(context: XtablesContext, session: TableSession) {
        self.context = context
        self.session = session
        out = LineWriter(sink: context.output)
    }

    /// Writes text as it is (chain headers, newlines).
    mutating func put(_ text: String) {
        out.put(text)
        out.flushIfDirect()
    }

    /// Hands the buffered text to the sink.
    mutating func flush() { out.flush() }

    /// Ends a row (on stdout it goes to C stdio at once; a memory sink gets it every 64 KiB).
    mutating func endRow() {
        out.put(byte: 0x0A)
        if out.count >= 1 << 16 { out.flush() } else { out.flushIfDirect() }
    }

    /// xtables_print_num: a counter, plain or scaled to K/M/G/T.
    static func number(_ n: UInt64, _ style: ListStyle) -> String {
        var line = LineWriter()
        putNumber(n, style, into: &line)
        return line.text
    }

    /// "Chain X (policy P …)" or "(N references)" and the column titles.
    static func headerLine(chain: String, policy: Policy?, references: Int?, style: ListStyle) -> String {
        var s = "Chain \(chain)"
        if let p = policy {
            s += " (policy \(p.name)"
            if !style.contains(.noCounts) {
                let compact = style.union(.noTable)
                s += " " + number(p.packets, compact) + "packets, " + number(p.bytes, compact) + "bytes"
            }
            s += ")\n"
        } else if let r = references {
            s += " (\(r) references)\n"
        } else {
            s += " (ERROR obtaining refs)\n"
        }
        return s
    }

    /// The titles of the last header written, kept: a big table has a header per chain.
    private var titlesMade: (style: ListStyle, text: String)?

    /// Writes a chain's header line and the column titles.
    mutating func writeHeader(chain: String, policy: Policy?, references: Int?, style: ListStyle) {
        out.put(ListFormat.headerLine(chain: chain, policy: policy, references: references, style: style))
        if titlesMade?.style != style { titlesMade = (style, ListFormat.titles(style)) }
        out.put(titlesMade!.text)
        out.flushIfDirect()
    }

    /// The column titles of a style.
    static func titles(_ style: ListStyle) -> String {
        var s = ""
        if style.contains(.lineNumbers) { s += style.pick("num".padRight(4) + " ", "num ") }
        if !style.contains(.noCounts) {
            if style.contains(.kiloMegaGiga) {
                s += style.pick("pkts".padLeft(5) + " ", "pkts ") + style.pick("bytes".padLeft(5) + " ", "bytes ")
            } else {
                s += style.pick("pkts".padLeft(8) + " ", "pkts ") + style.pick("bytes".padLeft(10) + " ", "bytes ")
            }
        }
        if !style.contains(.noTarget) { s += style.pick("target".padRight(9) + " ", "target ") }
        s += " prot "
        if style.contains(.options) { s += "opt" }
        if style.contains(.via) {
            s += style.pick(" " + "in".padRight(6) + " ", "in ") + style.pick("out".padRight(6) + " ", "out ")
        }
        s += style.pick(" " + "source".padRight(19) + " ", "source ")
        s += style.pick(" " + "destination".padRight(19) + " ", " destination ")
        s += "\n"
        return s
    }

    /// xtables_print_num into a line buffer.
    private static func putNumber(_ n: UInt64, _ style: ListStyle, into out: inout LineWriter) {
        let table = !style.contains(.noTable)
        var v = n
        var unit: StaticString? = nil
        var width = 8
        if style.contains(.kiloMegaGiga) {
            width = 5
            if n > 99999 {
                width = 4
                for u: StaticString in ["K", "M", "G", "T"] {
                    v = (v &+ 500) / 1000  // wraps as C does: 2^64-1 prints "0K", as in 1.8.9
                    unit = u
                    if v <= 9999 || u.utf8Start[0] == 0x54 { break }
                }
            }
        }
        let start = out.count
        out.put(v)
        if table {
            let digits = out.count - start
            if digits < width { out.bytes_insertSpaces(at: start, count: width - digits) }
        }
        if let u = unit { out.put(u) }
        out.put(byte: 0x20)
    }

    /// One rule row; the extensions then print their parts, and the caller ends the line.
    mutating func writeRow(entry: UnsafeRawPointer, targetName: String, number num: Int,
                           style: ListStyle) throws {
        let family = session.family
        let h = RuleHeader(entry: entry, family: family)
        let inv = h.invflags
        let table = !style.contains(.noTable)
        if style.contains(.lineNumbers) {
            let start = out.count
            out.put(UInt64(num))
            if table { out.pad(from: start, to: 4) }
            out.put(byte: 0x20)
        }
        if !style.contains(.noCounts) { ListFormat.putNumber(h.packets, style, into: &out); ListFormat.putNumber(h.bytes, style, into: &out) }
        if !style.contains(.noTarget) {
            let start = out.count
            out.put(targetName)
            if table { out.pad(from: start, to: 9) }
            out.put(byte: 0x20)
        }
        out.put(byte: inv & InvFlag.proto != 0 ? 0x21 : 0x20)
        let pname = context.protocolName(h.proto, lookup: !style.contains(.numeric))
        let start = out.count
        if style.intersection([.numeric, .noTable]) == .numeric || pname == nil { out.put(UInt64(h.proto)) } else { out.put(pname!) }
        if table { out.pad(from: start, to: 4) }
        out.put(byte: 0x20)
        if style.contains(.options) {
            if !table { out.put("opt ") }
            if family.isIPv6 { out.put("--") } else {
                out.put(byte: inv & InvFlag.frag != 0 ? 0x21 : 0x2D)
                out.put(byte: h.flags & fragmentFlag != 0 ? 0x66 : 0x2D)
            }
            out.put(byte: 0x20)
        }
        if style.contains(.via) {
            h.withInterfaces { i, _, o, _ in
                putInterface(i, inverted: inv & InvFlag.viaIn != 0, label: "in ", leading: true, style: style)
                putInterface(o, inverted: inv & InvFlag.viaOut != 0, label: "out ", leading: false, style: style)
            }
        }
        let numeric = style.contains(.numeric)
        h.withAddresses { s, sm, d, dm in
            out.put(byte: inv & InvFlag.srcIP != 0 ? 0x21 : 0x20)
            var start = out.count
            AddressText.list(address: s, mask: sm, numeric: numeric, family: family, into: &out)
            if table { out.pad(from: start, to: 19) }
            out.put(byte: 0x20)
            out.put(byte: inv & InvFlag.dstIP != 0 ? 0x21 : 0x20)
            if !table { out.put("-> ") }
            start = out.count
            AddressText.list(address: d, mask: dm, numeric: numeric, family: family, into: &out)
            if table { out.pad(from: start, to: 19); out.put(byte: 0x20) }
        }
        if !table { out.put("  ") }
        if h.flags & family.gotoFlag != 0 { out.put("[goto] ") }
        try ExtensionPrinter.list(entry: entry, targetName: targetName, jumpsToChain: session.isChain(targetName),
                                  numeric: numeric, context: context, into: &out)
    }

    /// The in/out column: " %-6s " / "%-6s " in tables, "in %s " / "out %s " compact.
    private mutating func putInterface(_ name: UnsafeRawBufferPointer, inverted: Bool, label: StaticString,
                                     leading: Bool, style: ListStyle) {
        let table = !style.contains(.noTable)
        if table && leading { out.put(byte: 0x20) }
        if !table { out.put(label) }
        let start = out.count
        if inverted { out.put(byte: 0x21) }
        if name[0] == 0 {
            out.put(style.contains(.numeric) ? "*" : "any")
        } else {
            for b in name { if b == 0 { break }; out.put(byte: b) }
        }
        if table { out.pad(from: start, to: 6) }
        out.put(byte: 0x20)
    }
}
