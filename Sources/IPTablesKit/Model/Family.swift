/// Address family traits: everything that differs between iptables and ip6tables.
/// One code path serves both; it asks this value where they differ.
public struct Family: Sendable, Equatable, Hashable {
    /// NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10), as libxtables wants it.
    public let nfproto: UInt8
    /// "iptables" or "ip6tables": the program name in messages.
    public let toolName: String
    /// Whether this is the IPv6 family.
    public var isIPv6: Bool { nfproto == Family.ipv6.nfproto }
    /// Bytes of an address (4 or 16).
    public var addressWidth: Int { isIPv6 ? 16 : 4 }
    /// The address spec used when a rule names no source or destination.
    public var anyAddress: String { isIPv6 ? "::0/0" : "0.0.0.0/0" }
    /// The kernel's list of loaded tables for this family.
    public var tableNamesFile: String { isIPv6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names" }
    /// The IPT_F_GOTO / IP6T_F_GOTO flag bit of the rule header.
    public var gotoFlag: UInt8 { isIPv6 ? 0x04 : 0x02 }
    /// "ipv4" or "ipv6".
    public var name: String { isIPv6 ? "ipv6" : "ipv4" }

    /// IPv4: iptables, libiptc.
    public static let ipv4 = Family(nfproto: 2, toolName: "iptables")
    /// IPv6: ip6tables, libip6tc.
    public static let ipv6 = Family(nfproto: 10, toolName: "ip6tables")
}

/// Inversion bits of the rule header (the same values for both families).
enum InvFlag {
    static let viaIn: UInt8 = 0x01
    static let viaOut: UInt8 = 0x02
    static let srcIP: UInt8 = 0x08
    static let dstIP: UInt8 = 0x10
    static let frag: UInt8 = 0x20
    static let proto: UInt8 = 0x40
}

/// IPT_F_FRAG: the rule matches second and further fragments (IPv4 only).
let fragmentFlag: UInt8 = 0x01
/// IP6T_F_PROTO: set by ip6tables whenever -p is given.
let ipv6ProtoFlag: UInt8 = 0x01
