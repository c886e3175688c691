import CXtables
import Glibc

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

/// `iptables -L` text: chain headers and rule rows, and the -v echo of rule commands.
enum ListFormat {
    /// xtables_print_num: a counter, plain or scaled to K/M/G/T.
    static func number(_ n: UInt64, _ style: ListStyle) -> String {
        let table = !style.contains(.noTable)
        if !style.contains(.kiloMegaGiga) { return table ? String(n).padLeft(8) + " " : "\(n) " }
        if n <= 99999 { return table ? String(n).padLeft(5) + " " : "\(n) " }
        var v = n
        for unit in ["K", "M", "G"] {
            v = (v + 500) / 1000
            if v <= 9999 { return table ? String(v).padLeft(4) + unit + " " : "\(v)\(unit) " }
        }
        v = (v + 500) / 1000
        return table ? String(v).padLeft(4) + "T " : "\(v)T "
    }

    /// "Chain X (policy P …)" or "(N references)" and the column titles.
    static func header(chain: String, policy: (name: String, packets: UInt64, bytes: UInt64)?,
                       references: Int?, style: ListStyle) -> String {
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
        return s + "\n"
    }

    /// One rule row; the extensions then print their parts, and the caller ends the line.
    static func writeRow(entry: UnsafeRawPointer, targetName: String, number num: Int,
                         style: ListStyle, session: TableSession) throws {
        let family = session.family
        let h = RuleHeader(entry: entry, family: family)
        let inv = h.raw.invflags
        var s = ""
        if style.contains(.lineNumbers) { s += style.pick(String(num).padRight(4) + " ", "\(num) ") }
        if !style.contains(.noCounts) { s += number(h.raw.pcnt, style) + number(h.raw.bcnt, style) }
        if !style.contains(.noTarget) { s += style.pick(targetName.padRight(9) + " ", targetName + " ") }
        s += inv & InvFlag.proto != 0 ? "!" : " "
        let pname = Protocols.name(h.raw.proto, lookup: !style.contains(.numeric))
        if style.intersection([.numeric, .noTable]) == .numeric || pname == nil {
            s += style.pick(String(h.raw.proto).padRight(4) + " ", "\(h.raw.proto) ")
        } else {
            s += style.pick(pname!.padRight(4) + " ", pname! + " ")
        }
        if style.contains(.options) {
            if style.contains(.noTable) { s += "opt " }
            if family.isIPv6 { s += "--" } else {
                s += inv & InvFlag.frag != 0 ? "!" : "-"
                s += h.raw.flags & fragmentFlag != 0 ? "f" : "-"
            }
            s += " "
        }
        if style.contains(.via) {
            let any = style.contains(.numeric) ? "*" : "any"
            let i = (inv & InvFlag.viaIn != 0 ? "!" : "") + nonEmpty(RuleHeader.name(h.inInterface), any)
            let o = (inv & InvFlag.viaOut != 0 ? "!" : "") + nonEmpty(RuleHeader.name(h.outInterface), any)
            s += style.pick(" " + i.padRight(6) + " ", "in \(i) ") + style.pick(o.padRight(6) + " ", "out \(o) ")
        }
        let numeric = style.contains(.numeric)
        let src = AddressText.list(address: h.source, mask: h.sourceMask, numeric: numeric, family: family)
        let dst = AddressText.list(address: h.destination, mask: h.destinationMask, numeric: numeric, family: family)
        s += inv & InvFlag.srcIP != 0 ? "!" : " "
        s += style.pick(src.padRight(19) + " ", src + " ")
        s += inv & InvFlag.dstIP != 0 ? "!" : " "
        s += style.pick(dst.padRight(19) + " ", "-> " + dst)
        if style.contains(.noTable) { s += "  " }
        if h.raw.flags & family.gotoFlag != 0 { s += "[goto] " }
        Out.write(s)
        try writeExtensions(entry: entry, targetName: targetName, numeric: numeric, session: session)
    }

    private static func nonEmpty(_ s: String, _ fallback: String) -> String { s.isEmpty ? fallback : s }

    private static func writeExtensions(entry: UnsafeRawPointer, targetName: String, numeric: Bool,
                                        session: TableSession) throws {
        let family = session.family
        let n: Int32 = numeric ? 1 : 0
        var i: UInt32 = 0
        while let m = shim_entry_match(family.nfproto, entry, i) {
            i += 1
            let name = String(cString: shim_match_name(m))
            if let match = try? Extensions.findMatch(name, .tryLoad, into: nil) {
                let exact = xtables_find_match_revision(name, XTF_TRY_LOAD, match, Int32(shim_match_revision(m)))
                if let e = exact, e.pointee.print != nil {
                    guard shim_match_print(e, entry, m, n) == 0 else { throw ToolError.caught() }
                } else if match.pointee.print != nil {
                    Out.write("\(name) [unsupported revision] ")
                } else {
                    Out.write("\(name) ")
                }
            } else if !name.isEmpty {
                Out.write("UNKNOWN match `\(name)' ")
            }
        }
        let t = shim_entry_target(family.nfproto, entry)!
        // A jump to a user chain uses the standard target, which prints nothing.
        if session.isChain(targetName) { return }
        if let target = try? Extensions.findTarget(targetName, .tryLoad) {
            let exact = xtables_find_target_revision(targetName, XTF_TRY_LOAD, target, Int32(shim_target_revision(t)))
            if let e = exact, e.pointee.print != nil {
                guard shim_target_print(e, entry, t, n) == 0 else { throw ToolError.caught() }
            } else if target.pointee.print != nil {
                Out.write(" \(String(cString: target.pointee.name)) [unsupported revision]")
            }
        } else if shim_target_size(t) != 32 {
            Out.write("[\(Int(shim_target_size(t)) - 32) bytes of unknown target data] ")
        }
    }
}
