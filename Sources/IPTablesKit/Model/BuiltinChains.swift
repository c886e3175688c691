/// The built-in chains of each table the kernel knows, in hook order (a table that is
/// first opened has these, with ACCEPT policies, and no rules).
public enum BuiltinChains {
    /// The built-in chain names by netfilter hook number (NF_INET_PRE_ROUTING … POST_ROUTING).
    public static let byHook: [StaticString] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]

    public static let byTable: [String: [String]] = [
        "filter": ["INPUT", "FORWARD", "OUTPUT"],
        "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw": ["PREROUTING", "OUTPUT"],
        "security": ["INPUT", "FORWARD", "OUTPUT"],
    ]
}
