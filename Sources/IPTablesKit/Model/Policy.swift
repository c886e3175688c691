/// A built-in chain's policy and its counters.
public struct Policy: Equatable, Hashable, Sendable {
    /// ACCEPT or DROP (a verdict).
    public var name: String
    /// Packets that met the policy.
    public var packets: UInt64
    /// Their bytes.
    public var bytes: UInt64

    /// A policy with its counters.
    public init(name: String, packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.name = name
        self.packets = packets
        self.bytes = bytes
    }
}
