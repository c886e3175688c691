import Glibc

/// Numbers read the way iptables reads them with sscanf.
enum CNumber {
    /// "%llu": optional spaces and sign, decimal digits; nil when none.
    static func scanUnsigned(_ s: String) -> UInt64? {
        scan(s) { p, end in strtoull(p, end, 10) }
    }

    /// "%i": decimal, 0x hex or 0 octal, as strtol with base 0; nil when no digits.
    static func scanInt(_ s: String) -> Int32? {
        scan(s) { p, end in Int32(truncatingIfNeeded: strtol(p, end, 0)) }
    }

    private static func scan<T>(_ s: String, _ f: (UnsafePointer<CChar>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T? {
        s.withCString { p in
            var end: UnsafeMutablePointer<CChar>?
            let v = f(p, &end)
            return end.map { UnsafePointer($0) } == p ? nil : v
        }
    }
}
