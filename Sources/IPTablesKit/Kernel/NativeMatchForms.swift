import Glibc

/// A port range of struct xt_tcp or xt_udp (two host-order u16: first, last).
struct PortRange {
    let first: UInt16
    let last: UInt16

    init(_ d: UnsafeRawPointer, at offset: Int) {
        first = d.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        last = d.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)
    }

    /// " --sport A" or " --sport A:B" (after " !" when inverted); nothing for 0:65535,
    /// inverted or not (the plugins' save tests the range alone).
    func save(_ option: StaticString, inverted: Bool, into out: inout LineWriter) {
        guard first != 0 || last != 0xFFFF else { return }
        if inverted { out.put(" !") }
        out.put(option)
        out.put(UInt64(first))
        if first != last {
            out.put(byte: 0x3A)
            out.put(UInt64(last))
        }
    }

    /// " spt:A" or " spts:A:B", a "!" after the first colon when inverted; nothing for an
    /// uninverted 0:65535.
    func list(_ name: StaticString, inverted: Bool, into out: inout LineWriter) {
        guard first != 0 || last != 0xFFFF || inverted else { return }
        out.put(byte: 0x20)
        out.put(name)
        out.put(first == last ? ":" : "s:")
        if inverted { out.put(byte: 0x21) }
        out.put(UInt64(first))
        if first != last {
            out.put(byte: 0x3A)
            out.put(UInt64(last))
        }
    }
}

/// struct xt_tcp: spts[2], dpts[2] (u16), option, flg_mask, flg_cmp, invflags (u8).
struct TCPForm {
    let source: PortRange
    let destination: PortRange
    let option: UInt8
    let flagMask: UInt8
    let flagCompare: UInt8
    let invflags: UInt8

    /// XT_TCP_INV_SRCPT, _DSTPT, _FLAGS, _OPTION and their union _MASK.
    static let invSource: UInt8 = 0x01, invDestination: UInt8 = 0x02, invFlags: UInt8 = 0x04
    static let invOption: UInt8 = 0x08, invMask: UInt8 = 0x0F

    /// TCP flag names in the plugin's table order (the single bits, then ALL).
    private static let flagNames: [(StaticString, UInt8)] = [
        ("FIN", 0x01), ("SYN", 0x02), ("RST", 0x04), ("PSH", 0x08), ("ACK", 0x10), ("URG", 0x20),
    ]

    init(_ d: UnsafeRawPointer) {
        source = PortRange(d, at: 0)
        destination = PortRange(d, at: 4)
        option = d.load(fromByteOffset: 8, as: UInt8.self)
        flagMask = d.load(fromByteOffset: 9, as: UInt8.self)
        flagCompare = d.load(fromByteOffset: 10, as: UInt8.self)
        invflags = d.load(fromByteOffset: 11, as: UInt8.self)
    }

    func save(into out: inout LineWriter) -> Bool {
        let showsFlags = flagMask != 0 || invflags & TCPForm.invFlags != 0
        // Bits 0x40 and 0x80 have no name in the plugin's table (it reads past its end).
        if showsFlags && (flagMask | flagCompare) & 0xC0 != 0 { return false }
        source.save(" --sport ", inverted: invflags & TCPForm.invSource != 0, into: &out)
        destination.save(" --dport ", inverted: invflags & TCPForm.invDestination != 0, into: &out)
        if option != 0 || invflags & TCPForm.invOption != 0 {
            if invflags & TCPForm.invOption != 0 { out.put(" !") }
            out.put(" --tcp-option ")
            out.put(UInt64(option))
        }
        if showsFlags {
            if invflags & TCPForm.invFlags != 0 { out.put(" !") }
            out.put(" --tcp-flags ")
            TCPForm.putFlagNames(flagMask, into: &out)
            out.put(byte: 0x20)
            TCPForm.putFlagNames(flagCompare, into: &out)
        }
        return true
    }

    /// "SYN,ACK" in bit order; "NONE" for none (bits 0x40 and 0x80 are refused before).
    private static func putFlagNames(_ flags: UInt8, into out: inout LineWriter) {
        guard flags != 0 else { return out.put("NONE") }
        var first = true
        for (name, bit) in flagNames where flags & bit != 0 {
            if !first { out.put(byte: 0x2C) }
            out.put(name)
            first = false
        }
    }

    func listNumeric(into out: inout LineWriter) {
        out.put(" tcp")
        source.list("spt", inverted: invflags & TCPForm.invSource != 0, into: &out)
        destination.list("dpt", inverted: invflags & TCPForm.invDestination != 0, into: &out)
        if option != 0 || invflags & TCPForm.invOption != 0 {
            out.put(" option=")
            if invflags & TCPForm.invOption != 0 { out.put(byte: 0x21) }
            out.put(UInt64(option))
        }
        if flagMask != 0 || invflags & TCPForm.invFlags != 0 {
            out.put(" flags:")
            if invflags & TCPForm.invFlags != 0 { out.put(byte: 0x21) }
            out.put("0x")
            NativeText.putHex(flagMask, padded: true, into: &out)
            out.put("/0x")
            NativeText.putHex(flagCompare, padded: true, into: &out)
        }
        if invflags & ~TCPForm.invMask != 0 {
            out.put(" Unknown invflags: 0x")
            NativeText.putHex(invflags & ~TCPForm.invMask, padded: false, into: &out)
        }
    }
}

/// struct xt_udp: spts[2], dpts[2] (u16), invflags (u8).
struct UDPForm {
    let source: PortRange
    let destination: PortRange
    let invflags: UInt8

    /// XT_UDP_INV_SRCPT, _DSTPT and their union _MASK.
    static let invSource: UInt8 = 0x01, invDestination: UInt8 = 0x02, invMask: UInt8 = 0x03

    init(_ d: UnsafeRawPointer) {
        source = PortRange(d, at: 0)
        destination = PortRange(d, at: 4)
        invflags = d.load(fromByteOffset: 8, as: UInt8.self)
    }

    func save(into out: inout LineWriter) {
        source.save(" --sport ", inverted: invflags & UDPForm.invSource != 0, into: &out)
        destination.save(" --dport ", inverted: invflags & UDPForm.invDestination != 0, into: &out)
    }

    func listNumeric(into out: inout LineWriter) {
        out.put(" udp")
        source.list("spt", inverted: invflags & UDPForm.invSource != 0, into: &out)
        destination.list("dpt", inverted: invflags & UDPForm.invDestination != 0, into: &out)
        if invflags & ~UDPForm.invMask != 0 {
            out.put(" Unknown invflags: 0x")
            NativeText.putHex(invflags & ~UDPForm.invMask, padded: false, into: &out)
        }
    }
}

/// struct xt_comment_info: char comment[256], read up to its first NUL within the first
/// 255 bytes (the plugin writes a NUL into the last byte before printing).
enum CommentForm {
    /// " --comment" and the text as xtables_save_string writes it.
    static func save(_ d: UnsafeRawPointer, into out: inout LineWriter) {
        out.put(" --comment")
        NativeText.saveString(NativeText.field(d, limit: 255), into: &out)
    }

    /// " /* text */".
    static func list(_ d: UnsafeRawPointer, into out: inout LineWriter) {
        out.put(" /* ")
        out.put(bytes: NativeText.field(d, limit: 255))
        out.put(" */")
    }
}

/// struct xt_statistic_info: u16 mode, u16 flags, then u32 random.probability, or u32
/// nth.every and nth.packet (the kernel's count and private pointer are not shown).
struct StatisticForm {
    let mode: UInt16
    let inverted: Bool
    let first: UInt32
    let packet: UInt32

    init(_ d: UnsafeRawPointer) {
        mode = d.loadUnaligned(fromByteOffset: 0, as: UInt16.self)
        inverted = d.loadUnaligned(fromByteOffset: 2, as: UInt16.self) & 0x1 != 0  // XT_STATISTIC_INVERT
        first = d.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        packet = d.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
    }

    /// " PFXmode random[ !] PFXprobability P" or " PFXmode nth[ !] PFXevery N", then
    /// " PFXpacket N" when saving (PFX "--") or when it is not 0; nothing for another mode.
    func write(prefix: StaticString, into out: inout LineWriter) {
        let saving = prefix.utf8CodeUnitCount > 0
        switch mode {
        case 0:  // XT_STATISTIC_MODE_RANDOM
            out.put(byte: 0x20); out.put(prefix); out.put("mode random")
            if inverted { out.put(" !") }
            out.put(byte: 0x20); out.put(prefix); out.put("probability ")
            StatisticForm.putProbability(first, into: &out)
        case 1:  // XT_STATISTIC_MODE_NTH
            out.put(byte: 0x20); out.put(prefix); out.put("mode nth")
            if inverted { out.put(" !") }
            out.put(byte: 0x20); out.put(prefix); out.put("every ")
            out.put(UInt64(first &+ 1))
            if packet != 0 || saving {
                out.put(byte: 0x20); out.put(prefix); out.put("packet ")
                out.put(UInt64(packet))
            }
        default:
            break
        }
    }

    /// probability / 2^31 as printf's "%.11f" writes it: the quotient is exact in binary,
    /// so it is scaled by 10^11 in integers and rounded to nearest, ties to even (glibc's
    /// rounding of an exact tie).
    static func putProbability(_ p: UInt32, into out: inout LineWriter) {
        let scale: UInt64 = 100_000_000_000
        let product = UInt64(p).multipliedFullWidth(by: scale)  // < 2^69
        var quotient = product.high << 33 | product.low >> 31
        let rest = product.low & (1 << 31 - 1), half: UInt64 = 1 << 30
        if rest > half || (rest == half && quotient & 1 == 1) { quotient += 1 }
        out.put(quotient / scale)
        out.put(byte: 0x2E)
        let fraction = quotient % scale
        var digits = scale / 10
        while digits > 1 && fraction < digits {
            out.put(byte: 0x30)
            digits /= 10
        }
        out.put(fraction)
    }
}

/// struct ipt_icmp: type, code[2] (first, last), invflags (IPT_ICMP_INV = 1).
struct ICMPForm {
    let type: UInt8
    let firstCode: UInt8
    let lastCode: UInt8
    let invflags: UInt8

    init(_ d: UnsafeRawPointer) {
        type = d.load(fromByteOffset: 0, as: UInt8.self)
        firstCode = d.load(fromByteOffset: 1, as: UInt8.self)
        lastCode = d.load(fromByteOffset: 2, as: UInt8.self)
        invflags = d.load(fromByteOffset: 3, as: UInt8.self)
    }

    /// "[ !] --icmp-type any", or "--icmp-type T" with "/C" unless the codes are 0:255.
    func save(into out: inout LineWriter) {
        if invflags & 0x01 != 0 { out.put(" !") }
        if type == 0xFF {
            out.put(" --icmp-type any")
            return
        }
        out.put(" --icmp-type ")
        out.put(UInt64(type))
        if firstCode != 0 || lastCode != 0xFF {
            out.put(byte: 0x2F)
            out.put(UInt64(firstCode))
        }
    }

    /// " icmp" then, with no space before it (the plugin's own text), "[ !]type T", then
    /// " code C" or " codes A-B" unless they are 0-255, and unknown inversion bits.
    func listNumeric(into out: inout LineWriter) {
        out.put(" icmp")
        if invflags & 0x01 != 0 { out.put(" !") }
        out.put("type ")
        out.put(UInt64(type))
        if firstCode == lastCode {
            out.put(" code ")
            out.put(UInt64(firstCode))
        } else if firstCode != 0 || lastCode != 0xFF {
            out.put(" codes ")
            out.put(UInt64(firstCode))
            out.put(byte: 0x2D)
            out.put(UInt64(lastCode))
        }
        if invflags & ~0x01 != 0 {
            out.put(" Unknown invflags: 0x")
            NativeText.putHex(invflags & ~0x01, padded: false, into: &out)
        }
    }
}

/// struct xt_rateinfo: avg (the period between packets in 1/10000 s) and burst; the rest
/// is the kernel's.
struct LimitForm {
    let period: UInt32
    let burst: UInt32

    /// The units of print_rate, largest first, with their periods (XT_LIMIT_SCALE 10000).
    private static let units: [(StaticString, UInt32)] = [
        ("day", 864_000_000), ("hour", 36_000_000), ("min", 600_000), ("sec", 10_000),
    ]

    init(_ d: UnsafeRawPointer) {
        period = d.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        burst = d.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
    }

    /// " --limit RATE", and " --limit-burst N" unless it is 5 (XT_LIMIT_BURST).
    func save(into out: inout LineWriter) {
        out.put(" --limit")
        putRate(into: &out)
        if burst != 5 {
            out.put(" --limit-burst ")
            out.put(UInt64(burst))
        }
    }

    /// " limit: avg RATE burst N".
    func list(into out: inout LineWriter) {
        out.put(" limit: avg")
        putRate(into: &out)
        out.put(" burst ")
        out.put(UInt64(burst))
    }

    /// " N/UNIT" in the largest unit that holds the period at least once and divides it
    /// with a quotient no smaller than the remainder (the plugin's print_rate); " inf"
    /// (printf's "%f" of infinity) for a period of 0.
    private func putRate(into out: inout LineWriter) {
        guard period != 0 else { return out.put(" inf") }
        var chosen = LimitForm.units.count - 1
        for i in 1..<LimitForm.units.count {
            let unit = LimitForm.units[i].1
            if period > unit || unit / period < unit % period {
                chosen = i - 1
                break
            }
        }
        out.put(byte: 0x20)
        out.put(UInt64(LimitForm.units[chosen].1 / period))
        out.put(byte: 0x2F)
        out.put(LimitForm.units[chosen].0)
    }
}

/// struct xt_multiport_v1: flags (0 source, 1 destination, 2 either), count, ports[15],
/// pflags[15] (set where a port starts a range), invert.
struct MultiportForm {
    let data: UnsafeRawPointer
    let flags: UInt8
    let count: Int
    let inverted: Bool

    /// XT_MULTI_PORTS.
    private static let capacity = 15

    /// nil when the plugin's walk over the ports would leave the array (a count over 15,
    /// or a range flag on the last slot): that is left to the plugin.
    init?(_ d: UnsafeRawPointer) {
        data = d
        flags = d.load(fromByteOffset: 0, as: UInt8.self)
        count = Int(d.load(fromByteOffset: 1, as: UInt8.self))
        inverted = d.load(fromByteOffset: 47, as: UInt8.self) != 0
        guard count <= MultiportForm.capacity else { return nil }
        var i = 0
        while i < count {
            if rangeFlag(i) {
                i += 1
                if i >= MultiportForm.capacity { return nil }
            }
            i += 1
        }
    }

    private func port(_ i: Int) -> UInt16 { data.loadUnaligned(fromByteOffset: 2 + 2 * i, as: UInt16.self) }
    private func rangeFlag(_ i: Int) -> Bool { data.load(fromByteOffset: 32 + i, as: UInt8.self) != 0 }

    /// "[ !] --dports 80,443,1000:2000" (nothing names an unknown kind).
    func save(into out: inout LineWriter) {
        if inverted { out.put(" !") }
        switch flags {
        case 0: out.put(" --sports ")
        case 1: out.put(" --dports ")
        case 2: out.put(" --ports ")
        default: break
        }
        putPorts(into: &out)
    }

    /// " multiport dports " (or sports, ports, ERROR), " !" when inverted, the ports.
    func listNumeric(into out: inout LineWriter) {
        out.put(" multiport ")
        switch flags {
        case 0: out.put("sports ")
        case 1: out.put("dports ")
        case 2: out.put("ports ")
        default: out.put("ERROR ")
        }
        if inverted { out.put(" !") }
        putPorts(into: &out)
    }

    private func putPorts(into out: inout LineWriter) {
        var i = 0
        while i < count {
            if i > 0 { out.put(byte: 0x2C) }
            out.put(UInt64(port(i)))
            if rangeFlag(i) {
                i += 1
                out.put(byte: 0x3A)
                out.put(UInt64(port(i)))
            }
            i += 1
        }
    }
}

/// struct xt_conntrack_mtinfo3 when it matches on the state alone (match_flags holds
/// nothing but XT_CONNTRACK_STATE and XT_CONNTRACK_STATE_ALIAS): Docker's, ufw's and
/// Kubernetes' "--ctstate RELATED,ESTABLISHED". Any other field is left to the plugin.
struct ConntrackForm {
    let flags: UInt16
    let inverted: Bool
    let states: UInt16

    /// XT_CONNTRACK_STATE and XT_CONNTRACK_STATE_ALIAS (made by -m state).
    private static let stateFlag: UInt16 = 0x0001, aliasFlag: UInt16 = 0x2000

    /// The states print_state names, in its order.
    private static let names: [(UInt16, StaticString)] = [
        (0x01, "INVALID"), (0x08, "NEW"), (0x04, "RELATED"), (0x02, "ESTABLISHED"),
        (0x100, "UNTRACKED"), (0x40, "SNAT"), (0x80, "DNAT"),
    ]

    init?(_ d: UnsafeRawPointer) {
        flags = d.loadUnaligned(fromByteOffset: 146, as: UInt16.self)
        guard flags & ~(ConntrackForm.stateFlag | ConntrackForm.aliasFlag) == 0 else { return nil }
        inverted = d.loadUnaligned(fromByteOffset: 148, as: UInt16.self) & ConntrackForm.stateFlag != 0
        states = d.loadUnaligned(fromByteOffset: 150, as: UInt16.self)
    }

    /// "[ !] PFXctstate A,B" ("state" for -m state); nothing without the state flag.
    func write(prefix: StaticString, into out: inout LineWriter) {
        guard flags & ConntrackForm.stateFlag != 0 else { return }
        if inverted { out.put(" !") }
        out.put(byte: 0x20)
        out.put(prefix)
        out.put(flags & ConntrackForm.aliasFlag != 0 ? "state" : "ctstate")
        var separator: UInt8 = 0x20
        for (bit, name) in ConntrackForm.names where states & bit != 0 {
            out.put(byte: separator)
            out.put(name)
            separator = 0x2C
        }
    }
}
