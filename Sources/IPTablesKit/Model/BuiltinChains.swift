/// The built-in chains of each table the kernel knows, in hook order (a table that is
/// first opened has these, with ACCEPT policies, and no rules).
public enum BuiltinChains {
    /// The built-in chain names by netfilter hook number (NF_INET_PRE_ROUTING … POST_ROUTING).
    public static let byHook: [StaticString] = (0..<hookCount).map(name(ofHook:))

    /// The number of netfilter hooks a table can have a built-in chain on.
    public static let hookCount = 5

    /// The built-in chain name of a hook (0 ..< hookCount), which `byHook` lists. The
    /// everyday commands ask this rather than `byHook`: the first use of that array has
    /// the runtime register the standard library's array classes (tens of thousands of
    /// instructions, at every start).
    public static func name(ofHook hook: Int) -> StaticString {
        switch hook {
        case 0: return "PREROUTING"
        case 1: return "INPUT"
        case 2: return "FORWARD"
        case 3: return "OUTPUT"
        case 4: return "POSTROUTING"
        default: preconditionFailure("no netfilter hook \(hook)")
        }
    }

    /// Whether the bytes name one of the tables of `byTable` (compared in place: no
    /// dictionary is made for the question).
    public static func isTableName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        func matches(_ table: StaticString) -> Bool {
            table.utf8CodeUnitCount == name.count
                && name.elementsEqual(UnsafeBufferPointer(start: table.utf8Start, count: table.utf8CodeUnitCount))
        }
        return matches("filter") || matches("nat") || matches("mangle") || matches("raw") || matches("security")
    }

    public static let byTable: [String: [String]] = [
        "filter": ["INPUT", "FORWARD", "OUTPUT"],
        "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw": ["PREROUTING", "OUTPUT"],
        "security": ["INPUT", "FORWARD", "OUTPUT"],
    ]
}
