/// Exit statuses iptables-legacy uses and clients rely on.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case other = 1
    case parameter = 2
    case version = 3
    case resource = 4
}

/// Every failure of the tools, typed by how iptables renders it; `ErrorRenderer` turns it into text.
public struct ToolError: Error, Equatable {
    /// How the message is rendered on stderr.
    public enum Style: Equatable, Sendable {
        /// xtables_error(): "prog vVER: msg" plus a hint that depends on the status.
        case xtables
        /// exit_tryhelp(): an optional message line, then the "Try ..." hint.
        case tryHelp
        /// The message exactly as given (it carries its own newlines).
        case plain
    }
    public var status: ExitStatus
    public var style: Style
    public var message: String

    public init(_ status: ExitStatus, _ message: String, style: Style = .xtables) {
        self.status = status
        self.message = message
        self.style = style
    }

    /// A parameter problem (exit 2), rendered as xtables_error does.
    static func parameter(_ message: String) -> ToolError { ToolError(.parameter, message) }
    /// An error caught from libxtables or an extension through the shim.
    static func caught() -> ToolError {
        let status = ExitStatus(rawValue: shimStatus()) ?? .other
        return ToolError(status, shimMessage())
    }
}

/// Renders a ToolError the way iptables-legacy prints it.
public struct ErrorRenderer {
    public var programName: String
    public var version: String
    /// The restore line number, or nil outside restore.
    public var line: Int?

    public init(programName: String, version: String, line: Int? = nil) {
        self.programName = programName
        self.version = version
        self.line = line
    }

    /// The complete stderr text for an error.
    public func render(_ error: ToolError) -> String {
        switch error.style {
        case .plain:
            return error.message
        case .tryHelp:
            return error.message + lineNote + tryHelp
        case .xtables:
            var text = "\(programName) v\(version): \(error.message)\n"
            switch error.status {
            case .parameter: text += lineNote + tryHelp
            case .version: text += "Perhaps \(programName) or your kernel needs to be upgraded.\n"
            default: break
            }
            return text
        }
    }

    private var lineNote: String { line.map { "Error occurred at line: \($0)\n" } ?? "" }
    private var tryHelp: String { "Try `\(programName) -h' or '\(programName) --help' for more information.\n" }
}
