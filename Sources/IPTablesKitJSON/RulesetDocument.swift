import IPTablesKit

/// The JSON form of a ruleset (`iptables-swift save --json`), version 1: the types below
/// are the schema (share/iptables-swift/ruleset.schema.json says the same for other
/// programs). Encoded with sorted keys, so that keys come in one order on every run; tables,
/// chains and rules keep the order iptables-save gives them. Optional fields are left out
/// when they do not apply (a user chain has no policy; a rule without -s has no source).
public struct RulesetDocument: Codable, Equatable, Sendable {
    /// Always "iptables-swift-ruleset".
    public var format: String
    /// The schema version: 1.
    public var version: Int
    /// "ipv4" or "ipv6".
    public var family: String
    /// Whether counters were asked for (-c): then every chain with a policy and every rule
    /// carries them.
    public var counters: Bool
    public var tables: [TableDocument]

    /// The format name every document carries.
    public static let formatName = "iptables-swift-ruleset"
    /// The schema version this library writes and reads.
    public static let currentVersion = 1
}

/// One table: its chains in iptables-save's order (built-ins in hook order, then user chains).
public struct TableDocument: Codable, Equatable, Sendable {
    public var name: String
    public var chains: [ChainDocument]
}

/// One chain.
public struct ChainDocument: Codable, Equatable, Sendable {
    public var name: String
    /// Whether it is one of the table's built-in chains.
    public var builtin: Bool
    /// ACCEPT or DROP for a built-in chain; absent for a user chain.
    public var policy: String?
    /// The policy's counters (with -c, built-in chains only).
    public var policyCounters: CountersDocument?
    /// How many rules of the table jump or go to this chain.
    public var references: Int
    public var rules: [RuleDocument]
}

/// Packet and byte counters.
public struct CountersDocument: Codable, Equatable, Sendable {
    public var packets: UInt64
    public var bytes: UInt64
}

/// One rule: the header fields, the matches and the target decoded, and the exact line
/// iptables-save prints for it, which is what a restore of this document loads.
public struct RuleDocument: Codable, Equatable, Sendable {
    /// 1 for the first rule of its chain.
    public var position: Int
    /// With -c.
    public var counters: CountersDocument?
    /// -p, absent for any protocol.
    public var `protocol`: ProtocolDocument?
    /// -s and -d, absent for any address.
    public var source: AddressDocument?
    public var destination: AddressDocument?
    /// -i and -o, absent when none is named.
    public var inInterface: InterfaceDocument?
    public var outInterface: InterfaceDocument?
    /// -f (IPv4), absent when not given.
    public var fragment: FragmentDocument?
    /// The matches in order, the protocol's own match included when the rule names it.
    public var matches: [ExtensionDocument]
    /// The target; absent when the rule only counts.
    public var target: TargetDocument?
    /// The rule as iptables-save prints it, from "-A CHAIN" on, without counters.
    public var save: String
    /// A stable hash of `save`: "fnv1a64:" and 16 hexadecimal digits.
    public var hash: String
}

/// -p: the name iptables-save prints ("tcp", or a number), the number, and `!`.
public struct ProtocolDocument: Codable, Equatable, Sendable {
    public var name: String
    public var number: Int
    public var inverted: Bool
}

/// -s or -d: address and mask as iptables-save prints them ("10.0.0.0", "8").
public struct AddressDocument: Codable, Equatable, Sendable {
    public var address: String
    public var mask: String
    public var inverted: Bool
}

/// -i or -o.
public struct InterfaceDocument: Codable, Equatable, Sendable {
    public var name: String
    public var inverted: Bool
}

/// -f.
public struct FragmentDocument: Codable, Equatable, Sendable {
    public var inverted: Bool
}

/// A match extension: its name, revision and option words as iptables-save prints them.
public struct ExtensionDocument: Codable, Equatable, Sendable {
    public var name: String
    public var revision: Int
    public var options: [String]
}

/// The target: a verdict (ACCEPT, DROP, RETURN, QUEUE), a jump or goto to a user chain, or
/// an extension with its revision and option words.
public struct TargetDocument: Codable, Equatable, Sendable {
    /// "verdict", "jump", "goto" or "extension".
    public var kind: String
    public var name: String
    /// Extensions only.
    public var revision: Int?
    /// Extensions only (possibly empty).
    public var options: [String]?
}
