/// The built-in long options of iptables/ip6tables, in iptables' order (order decides
/// nothing for exact names but keeps getopt's abbreviation matching identical).
enum BaseOptions {
    /// One long option: its name, whether it takes an argument (0 none, 1 required,
    /// 2 optional) and the code getopt returns for it.
    /// A struct, not a tuple: an array of tuples has its metadata built at run time from
    /// its mangled name (some 60,000 instructions on the first use, at every start).
    struct Entry {
        let name: String
        let hasArg: Int32
        let code: Int32
        init(_ name: String, _ hasArg: Int32, _ code: Int32) {
            self.name = name
            self.hasArg = hasArg
            self.code = code
        }
    }

    static func list(for family: Family) -> [Entry] {
        var l: [Entry] = [
            .init("append", 1, c("A")), .init("delete", 1, c("D")), .init("check", 1, c("C")),
            .init("insert", 1, c("I")), .init("replace", 1, c("R")), .init("list", 2, c("L")),
            .init("list-rules", 2, c("S")), .init("flush", 2, c("F")), .init("zero", 2, c("Z")),
            .init("new-chain", 1, c("N")), .init("delete-chain", 2, c("X")), .init("rename-chain", 1, c("E")),
            .init("policy", 1, c("P")), .init("source", 1, c("s")), .init("destination", 1, c("d")),
            .init("src", 1, c("s")), .init("dst", 1, c("d")), .init("protocol", 1, c("p")),
            .init("in-interface", 1, c("i")), .init("jump", 1, c("j")), .init("table", 1, c("t")),
            .init("match", 1, c("m")), .init("numeric", 0, c("n")), .init("out-interface", 1, c("o")),
            .init("verbose", 0, c("v")), .init("wait", 2, c("w")), .init("wait-interval", 2, c("W")),
            .init("exact", 0, c("x")),
        ]
        if !family.isIPv6 { l.append(Entry("fragments", 0, c("f"))) }
        l += [
            .init("version", 0, c("V")), .init("help", 2, c("h")), .init("line-numbers", 0, c("0")),
            .init("modprobe", 1, c("M")), .init("set-counters", 1, c("c")), .init("goto", 1, c("g")),
            .init("ipv4", 0, c("4")), .init("ipv6", 0, c("6")),
        ]
        return l
    }

    /// The short-option string (leading '-': non-options come back as code 1; ':' reports a missing argument).
    static let optstring = "-:A:C:D:E:F::I:L::M:N:P:VX::Z::c:d:i:j:o:p:s:t:R:S::W::46bfg:h::m:nvw::x"

    private static func c(_ s: Unicode.Scalar) -> Int32 { Int32(s.value) }
}
