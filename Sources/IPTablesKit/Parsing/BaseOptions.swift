/// The built-in long options of iptables/ip6tables, in iptables' order (order decides
/// nothing for exact names but keeps getopt's abbreviation matching identical).
enum BaseOptions {
    /// One long option: its name, whether it takes an argument (0 none, 1 required,
    /// 2 optional) and the code getopt returns for it.
    /// A struct, not a tuple: an array of tuples has its metadata built at run time from
    /// its mangled name (some 60,000 instructions on the first use, at every start). The
    /// name is a static string: getopt's table points at it as it is, nothing copied.
    struct Entry {
        let literal: StaticString
        let hasArg: Int32
        let code: Int32
        /// IPv4 only (iptables' --fragments).
        let ipv4Only: Bool
        init(_ literal: StaticString, _ hasArg: Int32, _ code: Int32, ipv4Only: Bool = false) {
            self.literal = literal
            self.hasArg = hasArg
            self.code = code
            self.ipv4Only = ipv4Only
        }

        /// The option's name.
        var name: String { literal.description }
    }

    /// Every base option of both families, in iptables' order.
    static let all: [Entry] = [
        .init("append", 1, c("A")), .init("delete", 1, c("D")), .init("check", 1, c("C")),
        .init("insert", 1, c("I")), .init("replace", 1, c("R")), .init("list", 2, c("L")),
        .init("list-rules", 2, c("S")), .init("flush", 2, c("F")), .init("zero", 2, c("Z")),
        .init("new-chain", 1, c("N")), .init("delete-chain", 2, c("X")), .init("rename-chain", 1, c("E")),
        .init("policy", 1, c("P")), .init("source", 1, c("s")), .init("destination", 1, c("d")),
        .init("src", 1, c("s")), .init("dst", 1, c("d")), .init("protocol", 1, c("p")),
        .init("in-interface", 1, c("i")), .init("jump", 1, c("j")), .init("table", 1, c("t")),
        .init("match", 1, c("m")), .init("numeric", 0, c("n")), .init("out-interface", 1, c("o")),
        .init("verbose", 0, c("v")), .init("wait", 2, c("w")), .init("wait-interval", 2, c("W")),
        .init("exact", 0, c("x")), .init("fragments", 0, c("f"), ipv4Only: true),
        .init("version", 0, c("V")), .init("help", 2, c("h")), .init("line-numbers", 0, c("0")),
        .init("modprobe", 1, c("M")), .init("set-counters", 1, c("c")), .init("goto", 1, c("g")),
        .init("ipv4", 0, c("4")), .init("ipv6", 0, c("6")),
    ]

    /// The long options of a family's iptables.
    static func list(for family: Family) -> [Entry] {
        family.isIPv6 ? all.filter { !$0.ipv4Only } : all
    }

    /// The short-option string (leading '-': non-options come back as code 1; ':' reports a missing argument).
    static let optstring = "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x"

    private static func c(_ s: Unicode.Scalar) -> Int32 { Int32(s.value) }
}
