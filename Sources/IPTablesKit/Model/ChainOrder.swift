/// Byte order of chain names, fast enough to sort a 70k-chain restore.
///
/// A chain label holds at most 31 bytes, so a name packed big-endian into four words,
/// zero padded, compares as strcmp compares the name: sorting such keys costs integer
/// comparisons instead of string comparisons.
enum ChainOrder {
    /// A name's four big-endian words.
    struct Key: Comparable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        /// The key of a name of at most 31 bytes; longer names compare by their first 32.
        init(_ name: String) {
            var name = name
            name.withUTF8 { bytes in
                withUnsafeMutableBytes(of: &words) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes.prefix(32))))
                }
            }
            words = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)
        }

        static func < (a: Key, b: Key) -> Bool { a.words < b.words }
        static func == (a: Key, b: Key) -> Bool { a.words == b.words }
    }

    /// The items sorted by their names, last name first.
    static func descending<T>(_ items: [T], name: (T) -> String) -> [T] {
        // One item (a restore declaring a single chain) needs no keys, nor their array.
        if items.count < 2 { return items }
        let keyed = items.map { Keyed(key: Key(name($0)), item: $0) }
        return keyed.sorted { $0.key > $1.key }.map(\.item)
    }

    /// An item with its key (a struct: an array of tuples has its metadata made at run time).
    private struct Keyed<T> {
        let key: Key
        let item: T
    }
}
