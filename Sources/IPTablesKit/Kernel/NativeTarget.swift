import CXtables
import Glibc

/// The save and listing forms of the commonest targets put straight into the line writer,
/// instead of through the plugins' printf: the NAT targets (DNAT, SNAT, MASQUERADE,
/// REDIRECT: a Kubernetes service endpoint is one DNAT rule each), REJECT (IPv4) and LOG.
/// Each is what the plugin of iptables 1.8.9 writes, byte for byte. The NAT plugin's layout
/// is told by its family and data size, as the plugin's own table pairs them: struct
/// nf_nat_ipv4_multi_range_compat (IPv4, 24 bytes), struct nf_nat_range (IPv6, 40) and
/// struct nf_nat_range2 (48). Any other plugin, a target whose size is not its plugin's,
/// LOG's name listing (-L without -n) and a REJECT type the plugin has no name for are
/// left to the plugin.
enum NativeTarget {
    case nat(NATTarget)
    case reject
    case log

    /// An xt_entry_target's data follows its 32-byte header.
    private static let headerSize = 32

    /// The native form of a loaded plugin, if it is one of these (asked once per lookup).
    static func of(_ plugin: UnsafeMutablePointer<xtables_target>) -> NativeTarget? {
        let p = plugin.pointee
        guard let name = p.name, Int(p.size) == Int(p.userspacesize) else { return nil }
        if strcmp(name, "REJECT") == 0 {
            return p.revision == 0 && p.size == 8 && p.family == UInt16(Family.ipv4.nfproto) ? .reject : nil
        }
        if strcmp(name, "LOG") == 0 {
            return p.revision == 0 && p.size == 32 ? .log : nil
        }
        return NATTarget.of(p, name: name).map { .nat($0) }
    }

    /// The data size these forms read.
    private var size: Int {
        switch self {
        case .nat(let n): return n.layout.size
        case .reject: return 8
        case .log: return 32
        }
    }

    /// The target's data when its size is the one these forms read; nil otherwise.
    private func data(_ t: UnsafePointer<xt_entry_target>) -> UnsafeRawPointer? {
        Int(shim_target_size(t)) == NativeTarget.headerSize + size ? UnsafeRawPointer(t) + NativeTarget.headerSize : nil
    }

    /// Writes the save form (what follows " -j NAME"); false, having written nothing, when
    /// the plugin must print it.
    func save(_ t: UnsafePointer<xt_entry_target>, into out: inout LineWriter) -> Bool {
        guard let d = data(t) else { return false }
        switch self {
        case .nat(let n): n.range(d).write(option: n.saveOption, flagPrefix: "--", skipsColon: n.skipsColon, into: &out)
        case .reject:
            guard let name = RejectForm.name(d) else { return false }
            out.put(" --reject-with ")
            out.put(name)
        case .log: LogForm(d).save(into: &out)
        }
        return true
    }

    /// Writes the listing form; false as for `save`.
    func list(_ t: UnsafePointer<xt_entry_target>, numeric: Bool, into out: inout LineWriter) -> Bool {
        guard let d = data(t) else { return false }
        switch self {
        case .nat(let n): n.range(d).write(option: n.listOption, flagPrefix: "", skipsColon: n.skipsColon, into: &out)
        case .reject:
            guard let name = RejectForm.name(d) else { return false }
            out.put(" reject-with ")
            out.put(name)
        case .log:
            guard numeric else { return false }
            LogForm(d).listNumeric(into: &out)
        }
        return true
    }
}

/// One of the NAT targets: the option that introduces its range in save
/// ("--to-destination ") and listing ("to:"), whether a range of ports alone loses its
/// leading colon there, and the plugin's layout.
struct NATTarget {
    let saveOption: StaticString
    let listOption: StaticString
    let skipsColon: Bool
    let layout: NATRange.Layout
    let isIPv6: Bool

    static func of(_ p: xtables_target, name: UnsafePointer<CChar>) -> NATTarget? {
        let isIPv6 = p.family == UInt16(Family.ipv6.nfproto)
        guard isIPv6 || p.family == UInt16(Family.ipv4.nfproto) else { return nil }
        let layout: NATRange.Layout
        switch (Int(p.size), isIPv6) {
        case (24, false): layout = .ipv4Compat
        case (40, true): layout = .range
        case (48, _): layout = .range2
        default: return nil
        }
        let options: (StaticString, StaticString, Bool)
        if strcmp(name, "DNAT") == 0 {
            options = ("--to-destination ", "to:", false)
        } else if strcmp(name, "SNAT") == 0 {
            options = ("--to-source ", "to:", false)
        } else if strcmp(name, "MASQUERADE") == 0 {
            options = ("--to-ports ", "masq ports: ", true)
        } else if strcmp(name, "REDIRECT") == 0 {
            options = ("--to-ports ", "redir ports ", true)
        } else {
            return nil
        }
        return NATTarget(saveOption: options.0, listOption: options.1, skipsColon: options.2,
                         layout: layout, isIPv6: isIPv6)
    }

    func range(_ d: UnsafeRawPointer) -> NATRange { NATRange(d, layout: layout, isIPv6: isIPv6) }
}

/// struct ipt_reject_info: the reject type, an enum ipt_reject_with.
enum RejectForm {
    /// libipt_REJECT's names by type; type 4 (echo-reply) has none.
    private static let names: [StaticString?] = [
        "icmp-net-unreachable", "icmp-host-unreachable", "icmp-proto-unreachable", "icmp-port-unreachable",
        nil, "icmp-net-prohibited", "icmp-host-prohibited", "tcp-reset", "icmp-admin-prohibited",
    ]

    /// The type's name; nil for one the plugin would print from outside its table.
    static func name(_ d: UnsafeRawPointer) -> StaticString? {
        let with = Int(d.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        return with < names.count ? names[with] : nil
    }
}

/// struct xt_log_info: level, logflags, prefix[30].
struct LogForm {
    let level: UInt8
    let flags: UInt8
    let prefix: UnsafeRawBufferPointer

    /// XT_LOG_* flags with their save options, in the plugin's order.
    private static let options: [(UInt8, StaticString)] = [
        (0x01, " --log-tcp-sequence"), (0x02, " --log-tcp-options"), (0x04, " --log-ip-options"),
        (0x08, " --log-uid"), (0x20, " --log-macdecode"),
    ]

    init(_ d: UnsafeRawPointer) {
        level = d.load(fromByteOffset: 0, as: UInt8.self)
        flags = d.load(fromByteOffset: 1, as: UInt8.self)
        prefix = NativeText.field(d + 2, limit: 30)
    }

    /// " --log-prefix TEXT" (xtables_save_string) when there is one, " --log-level N"
    /// unless it is 4 (LOG_WARNING), then one option per flag.
    func save(into out: inout LineWriter) {
        if !prefix.isEmpty {
            out.put(" --log-prefix")
            NativeText.saveString(prefix, into: &out)
        }
        if level != 4 {
            out.put(" --log-level ")
            out.put(UInt64(level))
        }
        for (bit, option) in LogForm.options where flags & bit != 0 { out.put(option) }
    }

    /// " LOG flags F level L", then ' prefix "TEXT"' when there is one.
    func listNumeric(into out: inout LineWriter) {
        out.put(" LOG flags ")
        out.put(UInt64(flags))
        out.put(" level ")
        out.put(UInt64(level))
        if !prefix.isEmpty {
            out.put(" prefix \"")
            out.put(bytes: prefix)
            out.put(byte: 0x22)
        }
    }
}

/// A NAT range read into nf_nat_range2's terms, as the plugin converts each layout.
struct NATRange {
    enum Layout {
        case ipv4Compat, range, range2

        /// XT_ALIGN of the struct's size.
        var size: Int {
            switch self {
            case .ipv4Compat: return 24
            case .range: return 40
            case .range2: return 48
            }
        }
    }

    /// NF_NAT_RANGE_* flags.
    static let mapIPs: UInt32 = 0x01, protoSpecified: UInt32 = 0x02, protoRandom: UInt32 = 0x04
    static let persistent: UInt32 = 0x08, protoRandomFully: UInt32 = 0x10, protoOffset: UInt32 = 0x20
    /// The flags the plugin names after the range, in its order.
    static let flagWords: [(UInt32, StaticString)] = [
        (protoRandom, "random"), (protoRandomFully, "random-fully"), (persistent, "persistent"),
    ]

    let data: UnsafeRawPointer
    let flags: UInt32
    /// Offsets of the two addresses and their compared width (the compat struct's
    /// converter copies 4 bytes into a zeroed union; the others compare the whole union).
    let minAddress: Int, maxAddress: Int, addressWidth: Int
    /// Ports, in host order (the structs hold them in network order); base is 0 where the
    /// layout has none.
    let minPort: UInt16, maxPort: UInt16, basePort: UInt16
    let isIPv6: Bool

    init(_ d: UnsafeRawPointer, layout: Layout, isIPv6: Bool) {
        data = d
        self.isIPv6 = isIPv6
        func port(_ at: Int) -> UInt16 { UInt16(bigEndian: d.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
        switch layout {
        case .ipv4Compat:
            // rangesize, then range[0]: flags, min_ip, max_ip, min, max.
            flags = d.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            (minAddress, maxAddress, addressWidth) = (8, 12, 4)
            (minPort, maxPort, basePort) = (port(16), port(18), 0)
        case .range, .range2:
            // flags, min_addr, max_addr (union nf_inet_addr), min_proto, max_proto[, base_proto].
            flags = d.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
            (minAddress, maxAddress, addressWidth) = (4, 20, 16)
            (minPort, maxPort, basePort) = (port(36), port(38), layout == .range2 ? port(40) : 0)
        }
    }

    /// " OPTIONrange" when there is a range, then " PFXrandom", " PFXrandom-fully" and
    /// " PFXpersistent" for their flags.
    func write(option: StaticString, flagPrefix: StaticString, skipsColon: Bool, into out: inout LineWriter) {
        let mapsAddresses = flags & NATRange.mapIPs != 0, mapsPorts = flags & NATRange.protoSpecified != 0
        if mapsAddresses || mapsPorts {
            out.put(byte: 0x20)
            out.put(option)
            if mapsAddresses { writeAddresses(brackets: isIPv6 && mapsPorts, into: &out) }
            if mapsPorts { writePorts(colon: mapsAddresses || !skipsColon, into: &out) }
        }
        for (bit, word) in NATRange.flagWords where flags & bit != 0 {
            out.put(byte: 0x20)
            out.put(flagPrefix)
            out.put(word)
        }
    }

    /// "A" or "A-B" (inet_ntop's text), in brackets for IPv6 with ports.
    private func writeAddresses(brackets: Bool, into out: inout LineWriter) {
        if brackets { out.put(byte: 0x5B) }
        putAddress(at: minAddress, into: &out)
        if memcmp(data + minAddress, data + maxAddress, addressWidth) != 0 {
            out.put(byte: 0x2D)
            putAddress(at: maxAddress, into: &out)
        }
        if brackets { out.put(byte: 0x5D) }
    }

    private func putAddress(at offset: Int, into out: inout LineWriter) {
        if !isIPv6 {
            AddressText.dotted(UnsafeRawBufferPointer(start: data + offset, count: 4), into: &out)
            return
        }
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { text in
            if let s = inet_ntop(AF_INET6, data + offset, text.baseAddress, socklen_t(INET6_ADDRSTRLEN)) {
                out.put(cString: s)
            }
        }
    }

    /// ":P", ":P-Q" when the last differs, then "/B" for a shifted port map.
    private func writePorts(colon: Bool, into out: inout LineWriter) {
        if colon { out.put(byte: 0x3A) }
        out.put(UInt64(minPort))
        if maxPort != minPort {
            out.put(byte: 0x2D)
            out.put(UInt64(maxPort))
        }
        if flags & NATRange.protoOffset != 0 {
            out.put(byte: 0x2F)
            out.put(UInt64(basePort))
        }
    }
}
