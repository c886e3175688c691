import Glibc

/// A mutable C argv (strdup'd strings, NULL-terminated) for getopt_long and the
/// extension parsers, which read and sometimes write it in place.
final class CArgv {
    let count: Int32
    let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    init(_ args: [String]) {
        count = Int32(args.count)
        pointer = .allocate(capacity: args.count + 1)
        for (i, a) in args.enumerated() { pointer[i] = strdup(a) }
        pointer[args.count] = nil
    }

    /// One block holding every string, when built from a buffer of words.
    private var storage: UnsafeMutablePointer<CChar>?

    /// Takes ownership of `buffer`, whose NUL-terminated words start at `starts`.
    init(buffer: UnsafeMutablePointer<CChar>, starts: [Int]) {
        count = Int32(starts.count)
        pointer = .allocate(capacity: starts.count + 1)
        for (i, offset) in starts.enumerated() { pointer[i] = buffer + offset }
        pointer[starts.count] = nil
        storage = buffer
    }

    deinit {
        if let block = storage {
            block.deallocate()
        } else {
            for i in 0..<Int(count) { free(pointer[i]) }
        }
        pointer.deallocate()
    }

    /// The argument at `i`, as it stands now (extensions may have changed it).
    subscript(i: Int32) -> String { String(cString: pointer[Int(i)]!) }
    /// The raw C string at `i`.
    func raw(_ i: Int32) -> UnsafeMutablePointer<CChar> { pointer[Int(i)]! }
}
