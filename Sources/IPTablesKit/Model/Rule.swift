/// Packet and byte counters.
public struct Counters: Equatable, Hashable, Sendable {
    /// Packets counted.
    public var packets: UInt64
    /// Bytes counted.
    public var bytes: UInt64

    /// Counters with the given values (zero by default).
    public init(packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
    }
}

/// A source or destination of a rule header: address and mask as iptables-save writes
/// them ("10.0.0.0" and "8", or a dotted/IPv6 mask that is not a prefix).
public struct AddressSpec: Equatable, Hashable, Sendable {
    /// The address ("10.0.0.0", "2001:db8::").
    public var address: String
    /// The prefix length ("8") or, for a mask with holes, the mask itself.
    public var mask: String
    /// `!` before -s/-d.
    public var inverted: Bool

    /// An address and mask, inverted or not.
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
    /// The name.
    public var name: String
    /// `!` before -i/-o.
    public var inverted: Bool

    /// An interface name, inverted or not.
    public init(name: String, inverted: Bool = false) {
        self.name = name
        self.inverted = inverted
    }
}

/// A match or target extension of a rule: its name and revision, and its options as the
/// canonical words iptables-save prints for it (`["--dport", "22"]`).
public struct ExtensionSpec: Equatable, Hashable, Sendable {
    /// The name.
    public var name: String
    /// The revision of the extension's kernel structure.
    public var revision: UInt8
    /// The option words as iptables-save prints them.
    public var options: [String]

    /// An extension with its name, revision and option words.
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
    /// Whether `!` came before -p.
    public var protocolInverted: Bool
    /// -p as iptables-save names it ("tcp", "47"), nil for any.
    public var protocolName: String?
    /// -s, nil when the rule matches any source.
    public var source: AddressSpec?
    /// -d, nil when the rule matches any destination.
    public var destination: AddressSpec?
    /// -i, nil when none is named.
    public var inInterface: InterfaceSpec?
    /// -o, nil when none is named.
    public var outInterface: InterfaceSpec?
    /// -f (IPv4 only): nil when not given, else whether it is inverted.
    public var fragmentInverted: Bool?
    /// The matches in order (the -p match included when the rule names it).
    public var matches: [ExtensionSpec]
    /// The target: an extension with options, a verdict or chain (no options), or nil when
    /// the rule only counts.
    public var target: ExtensionSpec?
    /// -g rather than -j.
    public var isGoto: Bool
    /// What the kernel counted for the rule.
    public var counters: Counters
    /// The rule as iptables-save prints it, from "-A CHAIN" on (no counters).
    public var saveLine: String
    /// The encoded entry (read-only: the library writes it back as it was read).
    public internal(set) var entry: [UInt8]

    /// The words after "-A CHAIN" that make this rule again (`iptables -A CHAIN` + these).
    public var specification: [String]
}

/// A chain of a ruleset: its policy (built-in chains) and its rules in order.
public struct ChainRules: Equatable, Sendable {
    /// The name.
    public var name: String
    /// nil for a user chain.
    public var policy: Policy?
    /// The rules in order.
    public var rules: [Rule]

    /// A chain with its policy and rules.
    public init(name: String, policy: Policy?, rules: [Rule]) {
        self.name = name
        self.policy = policy
        self.rules = rules
    }
}

/// A table of a ruleset: its chains in libiptc's order.
public struct TableRules: Equatable, Sendable {
    /// The name.
    public var name: String
    /// The chains: built-ins in hook order, then user chains sorted.
    public var chains: [ChainRules]

    /// A table with its chains.
    public init(name: String, chains: [ChainRules]) {
        self.name = name
        self.chains = chains
    }

    /// The chain of that name.
    public subscript(chain name: String) -> ChainRules? { chains.first { $0.name == name } }
}

/// Tables → chains → rules of one family: what a restore file describes or a save shows.
public struct Ruleset: Equatable, Sendable {
    /// The family of every table.
    public var family: Family
    /// The tables, in the order iptables-save lists them.
    public var tables: [TableRules]

    /// A ruleset of one family.
    public init(family: Family, tables: [TableRules]) {
        self.family = family
        self.tables = tables
    }

    /// The table of that name.
    public subscript(table name: String) -> TableRules? { tables.first { $0.name == name } }
}
