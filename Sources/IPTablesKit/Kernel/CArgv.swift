import Glibc

/// A mutable C argv (NULL-terminated) for getopt_long and the extension parsers, which read
/// and sometimes write it in place: strdup'd strings, or (restore) words in one buffer that
/// is kept and reused line after line.
final class CArgv {
    private(set) var count: Int32
    private(set) var pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(_ args: [String]) {
        count = Int32(args.count)
        pointer = .allocate(capacity: args.count + 1)
        for (i, a) in args.enumerated() { pointer[i] = strdup(a) }
        pointer[args.count] = nil
    }

    /// A copy of a command line's words (the parsers may write into them).
    init(_ words: CommandWords) {
        count = Int32(words.count)
        pointer = .allocate(capacity: words.count + 1)
        for i in 0..<words.count { pointer[i] = strdup(words.argv[i]!) }
        pointer[words.count] = nil
    }

    /// One block holding every string, when built from a buffer of words.
    private var storage: UnsafeMutablePointer<CChar>?
    /// Bytes of `storage` and pointer slots (before the final NULL) of a reused argv.
    private var storageCapacity = 0
    private var pointerCapacity = 0

    /// An empty argv whose word buffer and pointers are kept and reused line after line
    /// (restore): `wordBuffer` gives room for the next line's words, `point(at:)` aims
    /// the pointers at them. Nothing is allocated per line once the biggest line was seen.
    init() {
        count = 0
        pointer = .allocate(capacity: 1)
        pointer[0] = nil
        storage = .allocate(capacity: 1)
        storageCapacity = 1
    }

    /// A buffer of at least `bytes` bytes for the next words; the previous words are gone.
    func wordBuffer(bytes: Int) -> UnsafeMutablePointer<CChar> {
        if bytes > storageCapacity {
            storage?.deallocate()
            storageCapacity = max(bytes, 2 * storageCapacity)
            storage = .allocate(capacity: storageCapacity)
            // The old words are gone: nothing may point at them until `point(at:)`.
            count = 0
            pointer[0] = nil
        }
        return storage!
    }

    /// Points the argv at the NUL-terminated words starting at these offsets of the buffer
    /// `wordBuffer` gave.
    func point(at starts: UnsafeBufferPointer<Int>) {
        if starts.count > pointerCapacity {
            pointer.deallocate()
            pointerCapacity = max(starts.count, 2 * pointerCapacity)
            pointer = .allocate(capacity: pointerCapacity + 1)
        }
        let base = storage!
        for (i, offset) in starts.enumerated() { pointer[i] = base + offset }
        pointer[starts.count] = nil
        count = Int32(starts.count)
    }

    deinit {
        if let block = storage {
            block.deallocate()
        } else {
            for i in 0..<Int(count) { free(pointer[i]) }
        }
        pointer.deallocate()
    }

    /// A copy of strings made into a C argv, as `words` for `body` (for callers that hold
    /// their command line as an array).
    static func withWords(_ strings: [String], _ body: (CommandWords) -> Int32) -> Int32 {
        let c = CArgv(strings)
        return withExtendedLifetime(c) { body(CommandWords(argc: c.count, argv: c.pointer)) }
    }

    /// The argument at `i`, as it stands now (extensions may have changed it).
    subscript(i: Int32) -> String { String(cString: pointer[Int(i)]!) }
    /// The raw C string at `i`.
    func raw(_ i: Int32) -> UnsafeMutablePointer<CChar> { pointer[Int(i)]! }
}
