/// FNV-1a with 64 bits: a hash of bytes that is the same on every run and every machine
/// (Swift's own Hasher is seeded per process). Used to find chain names in big tables and
/// as the JSON document's rule hash.
public enum StableHash {
    /// The FNV-1a hash of the bytes.
    @inlinable
    public static func fnv1a64<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
