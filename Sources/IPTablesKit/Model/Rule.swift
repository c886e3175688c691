/// Packet and byte counters.
public struct Counters: Equatable, Hashable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64

    public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
    }
}

/// A source or destination of a rule header: address and mask as iptables-save writes
/// them ("10.0.0.0" and "8", or a dotted/IPv6 mask that is not a prefix).
public struct AddressSpec: Equatable, Hashable, Sendable {
    public var address: String
    public var mask: String
    /// `!` before -s/-d.
    public var inverted: Bool

    public init(address: String, mask: String, inverted: Bool = false) {
        self.address = address
        self.mask = mask
        self.inverted = inverted
    }

    /// "address/mask", as -s/-d take it.
    public var text: String { "\(address)/\(mask)" }
}

/// An -i/-o interface of a rule header ("eth0", or "eth+" for a wildcard).
public struct InterfaceSpec: Equatable, Hashable, Sendable {
    public var name: String
    public var inverted: Bool

    public init(name: String, inverted: Bool = false) {
        self.name = name
        self.inverted = inverted
    }
}

/// A match or target extension of a rule: its name and revision, and its options as the
/// canonical words iptables-save prints for it (`["--dport", "22"]`).
public struct ExtensionSpec: Equatable, Hashable, Sendable {
    public var name: String
    public var revision: UInt8
    public var options: [String]

    public init(name: String, revision: UInt8 = 0, options: [String] = []) {
        self.name = name
        self.revision = revision
        self.options = options
    }
}

/// One rule as the kernel holds it, decoded: the header fields with their inversions, the
/// matches and the target (each with its canonical option words), the counters, the rule
/// line iptables-save prints, and the encoded entry itself (`ipt_entry`/`ip6t_entry`
/// bytes), so that every format can print it and it can be written back unchanged.
public struct Rule: Equatable, Hashable, Sendable {
    /// The chain the rule is in.
    public var chain: String
    /// The protocol number (0: any) and whether `!` came before -p.
    public var protocolNumber: UInt16
    public var protocolInverted: Bool
    /// -p as iptables-save names it ("tcp", "47"), nil for any.
    public var protocolName: String?
    public var source: AddressSpec?
    public var destination: AddressSpec?
    public var inInterface: InterfaceSpec?
    public var outInterface: InterfaceSpec?
    /// -f (IPv4 only): nil when not given, else whether it is inverted.
    public var fragmentInverted: Bool?
    public var matches: [ExtensionSpec]
    /// The target: an extension with options, a verdict or chain (no options), or nil when
    /// the rule only counts.
    public var target: ExtensionSpec?
    /// -g rather than -j.
    public var isGoto: Bool
    public var counters: Counters
    /// The rule as iptables-save prints it, from "-A CHAIN" on (no counters).
    public var saveLine: String
    /// The encoded entry.
    public var entry: [UInt8]

    /// The words after "-A CHAIN" that make this rule again (`iptables -A CHAIN` + these).
    public var specification: [String]
}

/// A chain of a ruleset: its policy (built-in chains) and its rules in order.
public struct ChainRules: Equatable, Sendable {
    public var name: String
    /// nil for a user chain.
    public var policy: Policy?
    public var rules: [Rule]

    public init(name: String, policy: Policy?, rules: [Rule]) {
        self.name = name
        self.policy = policy
        self.rules = rules
    }
}

/// A table of a ruleset: its chains in libiptc's order.
public struct TableRules: Equatable, Sendable {
    public var name: String
    public var chains: [ChainRules]

    public init(name: String, chains: [ChainRules]) {
        self.name = name
        self.chains = chains
    }

    /// The chain of that name.
    public subscript(chain name: String) -> ChainRules? { chains.first { $0.name == name } }
}

/// Tables → chains → rules of one family: what a restore file describes or a save shows.
public struct Ruleset: Equatable, Sendable {
    public var family: Family
    public var tables: [TableRules]

    public init(family: Family, tables: [TableRules]) {
        self.family = family
        self.tables = tables
    }

    /// The table of that name.
    public subscript(table name: String) -> TableRules? { tables.first { $0.name == name } }
}
