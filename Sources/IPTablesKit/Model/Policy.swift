/// A built-in chain's policy and its counters.
public struct Policy: Equatable, Hashable, Sendable {
    /// ACCEPT or DROP (a verdict).
    public var name: String
    public var packets: UInt64
    public var bytes: UInt64

    public init(name: String, packets: UInt64 = 0, bytes: UInt64 = 0) {
        self.name = name
        self.packets = packets
        self.bytes = bytes
    }
}
