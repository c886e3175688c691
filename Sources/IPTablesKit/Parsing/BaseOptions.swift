/// The built-in long options of iptables/ip6tables, in iptables' order (order decides
/// nothing for exact names but keeps getopt's abbreviation matching identical).
enum BaseOptions {
    /// The base option table of each family (libxtables' orig_opts; IPv6 has no --fragments).
    static let ipv4 = LongOptions(optstring, capacity: 37) { describe(&$0, ipv6: false) }
    static let ipv6 = LongOptions(optstring, capacity: 37) { describe(&$0, ipv6: true) }

    /// The table of a family.
    static func options(for family: Family) -> LongOptions { family.isIPv6 ? ipv6 : ipv4 }

    /// Every base option, in iptables' order.
    private static func describe(_ o: inout LongOptions.Builder, ipv6: Bool) {
        o.add("append", 1, "A"); o.add("delete", 1, "D"); o.add("check", 1, "C")
        o.add("insert", 1, "I"); o.add("replace", 1, "R"); o.add("list", 2, "L")
        o.add("list-rules", 2, "S"); o.add("flush", 2, "F"); o.add("zero", 2, "Z")
        o.add("new-chain", 1, "N"); o.add("delete-chain", 2, "X"); o.add("rename-chain", 1, "E")
        o.add("policy", 1, "P"); o.add("source", 1, "s"); o.add("destination", 1, "d")
        o.add("src", 1, "s"); o.add("dst", 1, "d"); o.add("protocol", 1, "p")
        o.add("in-interface", 1, "i"); o.add("jump", 1, "j"); o.add("table", 1, "t")
        o.add("match", 1, "m"); o.add("numeric", 0, "n"); o.add("out-interface", 1, "o")
        o.add("verbose", 0, "v"); o.add("wait", 2, "w"); o.add("wait-interval", 2, "W")
        o.add("exact", 0, "x")
        if !ipv6 { o.add("fragments", 0, "f") }  // iptables only
        o.add("version", 0, "V"); o.add("help", 2, "h"); o.add("line-numbers", 0, "0")
        o.add("modprobe", 1, "M"); o.add("set-counters", 1, "c"); o.add("goto", 1, "g")
        o.add("ipv4", 0, "4"); o.add("ipv6", 0, "6")
    }

    /// The short-option string (leading '-': non-options come back as code 1; ':' reports a missing argument).
    static let optstring: StaticString = "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x"

    /// `optstring` as a C string: getopt_long takes it for every word of every rule line,
    /// so not even a lookup stands in front of it.
    static var ruleOptstring: UnsafePointer<CChar> { LongOptions.cString(optstring) }
}
