/// `iptables-swift status` as text for people and as JSON for machines.
enum StatusFormat {
    /// The text report: a block per family, then the lock and the pending apply.
    static func text(_ s: SystemStatus) -> String {
        var out = ""
        for f in s.families {
            out += "\(f.family.toolName) (\(f.family.isIPv6 ? "IPv6" : "IPv4")):\n"
            out += "  legacy tables: \(tables(f.legacy))\n"
            out += "  nft tables:    \(tables(f.nft))\n"
            out += "  alternative:   \(alternative(f.alternative))\n"
            if hasTables(f.legacy), hasIPTablesNftTables(f.nft) {
                out += "  note: both backends hold \(f.family.toolName) tables; packets pass through both\n"
            }
        }
        out += "xtables lock:    \(s.lockPath) " + lockText(s) + "\n"
        out += "pending apply:   " + pendingText(s) + "\n"
        return out
    }

    private static func tables(_ b: SystemStatus.Backend) -> String {
        guard let list = b.tables else { return b.failed ? "unknown (\(b.note ?? "?"))" : "none (\(b.note ?? "?"))" }
        if list.isEmpty { return "none" }
        return list.map { t in
            "\(t.name) (\(t.chains) \(t.chains == 1 ? "chain" : "chains"), \(t.rules) \(t.rules == 1 ? "rule" : "rules")"
                + (t.iptablesNft ? ", iptables-nft" : "") + ")"
        }.joined(separator: ", ")
    }

    private static func hasTables(_ b: SystemStatus.Backend) -> Bool { !(b.tables ?? []).isEmpty }

    private static func hasIPTablesNftTables(_ b: SystemStatus.Backend) -> Bool { (b.tables ?? []).contains { $0.iptablesNft } }

    private static func alternative(_ a: SystemStatus.Alternative) -> String {
        guard let v = a.value else { return "\(a.name): none registered" }
        return "\(a.name) -> \(v)" + (a.mode.map { " (\($0) mode)" } ?? "")
    }

    private static func lockText(_ s: SystemStatus) -> String {
        guard let pid = s.lockHolderPID else { return "free" }
        return "held by " + LockHolder(pid: pid, commandLine: s.lockHolderCommand ?? "").description
    }

    private static func pendingText(_ s: SystemStatus) -> String {
        guard let p = s.pending else { return "none" }
        return "rolls back in \(max(0, p.deadline - s.now)) s unless confirmed (timer PID \(p.timerPID); "
            + p.files.joined(separator: ", ") + ")"
    }

    /// The JSON report (schema version 1): stable keys, numbers as numbers, null for unknown.
    static func json(_ s: SystemStatus) -> String {
        var out = "{\n  \"version\": 1,\n  \"families\": [\n"
        out += s.families.map(familyJSON).joined(separator: ",\n")
        out += "\n  ],\n  \"lock\": {\"path\": \(JSONText.string(s.lockPath)), \"held\": \(s.lockHolderPID != nil)"
        out += ", \"pid\": \(s.lockHolderPID.map(String.init) ?? "null")"
        out += ", \"command\": \(s.lockHolderCommand.map(JSONText.string) ?? "null")},\n"
        out += "  \"pending_apply\": " + pendingJSON(s) + "\n}\n"
        return out
    }

    private static func familyJSON(_ f: SystemStatus.FamilyStatus) -> String {
        var out = "    {\"family\": \(JSONText.string(f.family.name)), \"tool\": \(JSONText.string(f.family.toolName)),\n"
        out += "     \"legacy\": \(backendJSON(f.legacy, nft: false)),\n"
        out += "     \"nft\": \(backendJSON(f.nft, nft: true)),\n"
        let a = f.alternative
        out += "     \"alternative\": {\"name\": \(JSONText.string(a.name)), \"value\": \(a.value.map(JSONText.string) ?? "null")"
        out += ", \"mode\": \(a.mode.map(JSONText.string) ?? "null")}}"
        return out
    }

    private static func backendJSON(_ b: SystemStatus.Backend, nft: Bool) -> String {
        let tables = b.tables.map { list in
            "[" + list.map { t in
                "{\"name\": \(JSONText.string(t.name)), \"chains\": \(t.chains), \"rules\": \(t.rules)"
                    + (nft ? ", \"iptables_nft\": \(t.iptablesNft)" : "") + "}"
            }.joined(separator: ", ") + "]"
        } ?? "null"
        return "{\"tables\": \(tables), \"error\": \(b.failed ? JSONText.string(b.note ?? "") : "null")"
            + ", \"note\": \(!b.failed && b.note != nil ? JSONText.string(b.note!) : "null")}"
    }

    private static func pendingJSON(_ s: SystemStatus) -> String {
        guard let p = s.pending else { return "null" }
        return "{\"timer_pid\": \(p.timerPID), \"deadline\": \(p.deadline), \"seconds_left\": \(max(0, p.deadline - s.now))"
            + ", \"files\": [" + p.files.map(JSONText.string).joined(separator: ", ") + "]}"
    }
}
