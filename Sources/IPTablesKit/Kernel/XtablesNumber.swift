import CXtables

/// Numbers read as libxtables reads them (xtables_strtoui: any base, no sign, whole word).
enum XtablesNumber {
    static func unsigned(_ s: String, min: UInt32, max: UInt32) -> UInt32? {
        var n: UInt32 = 0
        return xtables_strtoui(s, nil, &n, min, max) ? n : nil
    }
}

/// Counters read exactly as iptables 1.8.9 reads them, with glibc's sscanf.
enum CounterText {
    /// "[pkts:bytes]" of a restore chain line; nil when sscanf converts fewer than two numbers.
    static func policy(_ text: String) -> (UInt64, UInt64)? {
        var p: UInt64 = 0, b: UInt64 = 0
        return shim_scan_policy_counters(text, &p, &b) != 0 ? (p, b) : nil
    }

    /// One number of -c / --set-counters ("%llu": spaces, a sign and trailing text allowed).
    static func number(_ text: String) -> UInt64? {
        var v: UInt64 = 0
        return shim_scan_counter(text, &v) != 0 ? v : nil
    }
}
