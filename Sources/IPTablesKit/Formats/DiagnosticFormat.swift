/// Renders diagnostics: compiler-style text for people, a JSON array for machines.
public enum DiagnosticFormat {
    /// `FILE:LINE:COL: error: MESSAGE`, the line, a caret line under the offending word,
    /// then `  cause: …` lines.
    public static func text(_ d: Diagnostic) -> String {
        var head = d.file
        if let line = d.line {
            head += ":\(line)"
            if let column = d.column { head += ":\(column)" }
        }
        var out = "\(head): \(d.severity.rawValue): \(d.message)\n"
        out += located(d)
        return out
    }

    /// The rule line, the caret line and the cause lines of a diagnostic (what the tools
    /// add after 1.8.9's message on a terminal).
    public static func located(_ d: Diagnostic) -> String {
        var out = ""
        if let rule = d.ruleText, !rule.isEmpty {
            out += "    \(rule)\n"
            if let column = d.column { out += "    " + caretLine(rule, column: column, length: d.length) + "\n" }
        }
        if let cause = d.cause {
            for line in cause.split(separator: "\n", omittingEmptySubsequences: false) { out += "  \(line)\n" }
        }
        return out
    }

    /// Spaces (tabs kept, so the caret lines up) up to the column, then `^~~~`.
    static func caretLine(_ rule: String, column: Int, length: Int) -> String {
        var out = ""
        for (i, b) in rule.utf8.enumerated() where i < column - 1 { out += b == 0x09 ? "\t" : " " }
        let missing = column - 1 - rule.utf8.count
        if missing > 0 { out += String(repeating: " ", count: missing) }
        return out + "^" + String(repeating: "~", count: max(0, length - 1))
    }

    /// The diagnostics as a JSON array, one object per line, keys in a fixed order.
    public static func json(_ list: [Diagnostic]) -> String {
        JSONText.array(list.map { d in
            ["\"file\": " + JSONText.string(d.file),
             "\"line\": " + (d.line.map(String.init) ?? "null"),
             "\"column\": " + (d.column.map(String.init) ?? "null"),
             "\"severity\": " + JSONText.string(d.severity.rawValue),
             "\"message\": " + JSONText.string(d.message),
             "\"cause\": " + (d.cause.map(JSONText.string) ?? "null"),
             "\"rule\": " + (d.ruleText.map(JSONText.string) ?? "null")]
        })
    }
}

/// JSON string literals, without Foundation (the tools link none).
enum JSONText {
    /// The string quoted and escaped as JSON requires (control characters as \u00XX).
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Objects (each given as its "key": value fields) as a JSON array, one object per line.
    static func array(_ objects: [[String]]) -> String {
        if objects.isEmpty { return "[]\n" }
        return "[\n" + objects.map { "  {" + $0.joined(separator: ", ") + "}" }.joined(separator: ",\n") + "\n]\n"
    }
}
