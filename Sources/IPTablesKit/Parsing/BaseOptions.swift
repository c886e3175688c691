/// The built-in long options of iptables/ip6tables, in iptables' order (order decides
/// nothing for exact names but keeps getopt's abbreviation matching identical).
enum BaseOptions {
    /// One long option: its name, whether it takes an argument (0 none, 1 required,
    /// 2 optional) and the code getopt returns for it.
    typealias Entry = (name: String, hasArg: Int32, code: Int32)

    static func list(for family: Family) -> [Entry] {
        var l: [Entry] = [
            ("append", 1, c("A")), ("delete", 1, c("D")), ("check", 1, c("C")),
            ("insert", 1, c("I")), ("replace", 1, c("R")), ("list", 2, c("L")),
            ("list-rules", 2, c("S")), ("flush", 2, c("F")), ("zero", 2, c("Z")),
            ("new-chain", 1, c("N")), ("delete-chain", 2, c("X")), ("rename-chain", 1, c("E")),
            ("policy", 1, c("P")), ("source", 1, c("s")), ("destination", 1, c("d")),
            ("src", 1, c("s")), ("dst", 1, c("d")), ("protocol", 1, c("p")),
            ("in-interface", 1, c("i")), ("jump", 1, c("j")), ("table", 1, c("t")),
            ("match", 1, c("m")), ("numeric", 0, c("n")), ("out-interface", 1, c("o")),
            ("verbose", 0, c("v")), ("wait", 2, c("w")), ("wait-interval", 2, c("W")),
            ("exact", 0, c("x")),
        ]
        if !family.isIPv6 { l.append(("fragments", 0, c("f"))) }
        l += [
            ("version", 0, c("V")), ("help", 2, c("h")), ("line-numbers", 0, c("0")),
            ("modprobe", 1, c("M")), ("set-counters", 1, c("c")), ("goto", 1, c("g")),
            ("ipv4", 0, c("4")), ("ipv6", 0, c("6")),
        ]
        return l
    }

    /// The short-option string (leading '-': non-options come back as code 1; ':' reports a missing argument).
    static let optstring = "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x"

    private static func c(_ s: Unicode.Scalar) -> Int32 { Int32(s.value) }
}
