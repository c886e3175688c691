/// One finding of `iptables-swift check` (and of the located messages the tools add on
/// a terminal): where it is, how bad, what iptables says and what really caused it.
public struct Diagnostic: Equatable, Sendable {
    /// How bad a finding is.
    public enum Severity: String, Sendable {
        /// The file would not load (or not as written).
        case error
        /// The file loads, but something in it is probably not what was meant.
        case warning
        /// Something the check could not do, or a fact about a finding.
        case note
    }

    /// The file as named on the command line ("-" is standard input).
    public var file: String
    /// The 1-based line; nil for findings about the whole file.
    public var line: Int?
    /// The 1-based byte column of the offending word; nil when no word is to blame.
    public var column: Int?
    /// The length in bytes of the offending word (the caret line's width).
    public var length: Int
    public var severity: Severity
    /// What went wrong, in iptables' words where iptables has words for it.
    public var message: String
    /// Why, as far as the check can tell: the nearest name, the missing plugin or
    /// kernel module, the kernel's own log line.
    public var cause: String?
    /// The line of the file the finding is about, without its newline.
    public var ruleText: String?

    /// A finding with everything the caller knows.
    public init(file: String, line: Int?, column: Int? = nil, length: Int = 1, severity: Severity = .error,
                message: String, cause: String? = nil, ruleText: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.length = length
        self.severity = severity
        self.message = message
        self.cause = cause
        self.ruleText = ruleText
    }
}

extension Diagnostic {
    /// Field and record separators of `encoded()` (ASCII unit and record separators,
    /// which no rules file line holds).
    private static let fieldSeparator: Character = "\u{1F}"
    static let recordSeparator: Character = "\u{1E}"

    /// A flat text form, to carry diagnostics out of the check's child process.
    func encoded() -> String {
        let fields = [file, line.map(String.init) ?? "", column.map(String.init) ?? "", String(length),
                      severity.rawValue, message, cause ?? "\u{0}", ruleText ?? "\u{0}"]
        return fields.joined(separator: String(Diagnostic.fieldSeparator)) + String(Diagnostic.recordSeparator)
    }

    /// The diagnostics of an `encoded()` text (malformed records are dropped).
    static func decodeAll(_ text: String) -> [Diagnostic] {
        text.split(separator: recordSeparator).compactMap { record in
            let f = record.split(separator: fieldSeparator, omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let severity = Severity(rawValue: f[4]) else { return nil }
            return Diagnostic(file: f[0], line: Int(f[1]), column: Int(f[2]), length: Int(f[3]) ?? 1,
                              severity: severity, message: f[5], cause: f[6] == "\u{0}" ? nil : f[6],
                              ruleText: f[7] == "\u{0}" ? nil : f[7])
        }
    }
}
