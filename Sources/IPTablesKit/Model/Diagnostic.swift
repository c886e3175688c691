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
    /// A flat text form, to carry diagnostics out of the check's child process: each of
    /// eight fields as its byte count, a colon and its bytes ("-" for a missing one), so
    /// no byte of a rules file can break it.
    func encoded() -> String {
        let fields: [String?] = [file, line.map(String.init), column.map(String.init), String(length),
                                 severity.rawValue, message, cause, ruleText]
        return fields.map { f in f.map { "\($0.utf8.count):\($0)" } ?? "-" }.joined()
    }

    /// The diagnostics of an `encoded()` text; nil when it is malformed.
    static func decodeAll(_ text: String) -> [Diagnostic]? {
        let bytes = Array(text.utf8)
        var i = 0
        func field() -> String?? {
            guard i < bytes.count else { return .none }
            if bytes[i] == 0x2D { i += 1; return .some(nil) }
            var n = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { n = n * 10 + Int(bytes[i] - 0x30); i += 1 }
            guard i < bytes.count, bytes[i] == 0x3A, i + 1 + n <= bytes.count else { return .none }
            defer { i += 1 + n }
            return .some(String(decoding: bytes[(i + 1)..<(i + 1 + n)], as: UTF8.self))
        }
        var out: [Diagnostic] = []
        while i < bytes.count {
            var f: [String?] = []
            for _ in 0..<8 {
                guard let value = field() else { return nil }
                f.append(value)
            }
            guard let file = f[0], let severity = f[4].flatMap(Severity.init(rawValue:)), let message = f[5] else { return nil }
            out.append(Diagnostic(file: file, line: f[1].flatMap { Int($0) }, column: f[2].flatMap { Int($0) },
                                  length: f[3].flatMap { Int($0) } ?? 1, severity: severity, message: message,
                                  cause: f[6], ruleText: f[7]))
        }
        return out
    }
}
