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

    /// Takes ownership of already malloc'd strings.
    init(owning strings: [UnsafeMutablePointer<CChar>?]) {
        count = Int32(strings.count)
        pointer = .allocate(capacity: strings.count + 1)
        for (i, p) in strings.enumerated() { pointer[i] = p }
        pointer[strings.count] = nil
    }

    deinit {
        for i in 0..<Int(count) { free(pointer[i]) }
        pointer.deallocate()
    }

    /// The argument at `i`, as it stands now (extensions may have changed it).
    subscript(i: Int32) -> String { String(cString: pointer[Int(i)]!) }
    /// The raw C string at `i`.
    func raw(_ i: Int32) -> UnsafeMutablePointer<CChar> { pointer[Int(i)]! }
}
