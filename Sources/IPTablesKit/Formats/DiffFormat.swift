/// Renders table changes: `+`/`-` lines in iptables-save syntax under each table's `*name`
/// (as `diff -u` shows two save files, without context), or a JSON array.
public enum DiffFormat {
    /// The text form: per table with changes, `*table`, then its chains' and rules' lines.
    public static func text(_ changes: [TableChange]) -> String {
        var out = ""
        var table: String?
        for c in changes {
            if c.table != table {
                out += "*\(c.table)\n"
                table = c.table
            }
            switch c.kind {
            case .deleteChain, .remove: out += "-" + c.line + "\n"
            case .createChain, .add: out += "+" + c.line + "\n"
            case .policy:
                out += "-:\(c.chain) \(c.oldPolicy ?? "")\n"
                out += "+" + c.line + "\n"
            }
        }
        return out
    }

    /// One JSON object per change: table, chain, change, rule (the save line), position.
    public static func json(_ changes: [TableChange]) -> String {
        JSONText.array(changes.map { c in
            var fields = ["\"table\": " + JSONText.string(c.table), "\"chain\": " + JSONText.string(c.chain),
                          "\"change\": " + JSONText.string(c.kind.rawValue), "\"line\": " + JSONText.string(c.line)]
            fields.append("\"position\": " + (c.position.map(String.init) ?? "null"))
            if let old = c.oldPolicy { fields.append("\"old_policy\": " + JSONText.string(old)) }
            return fields
        })
    }

    /// "unchanged" or "changed (+N -M rules)" (chain and policy changes counted apart).
    public static func summary(_ changes: [TableChange]) -> String {
        if changes.isEmpty { return "unchanged" }
        let added = changes.filter { $0.kind == .add }.count
        let removed = changes.filter { $0.kind == .remove }.count
        var parts = ["+\(added) -\(removed) rules"]
        let chains = changes.filter { $0.kind == .createChain || $0.kind == .deleteChain }.count
        if chains > 0 { parts.append("\(chains) chains") }
        let policies = changes.filter { $0.kind == .policy }.count
        if policies > 0 { parts.append("\(policies) policies") }
        return "changed (" + parts.joined(separator: ", ") + ")"
    }
}
