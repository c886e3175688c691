/// Exit statuses iptables-legacy uses and clients rely on.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case other = 1
    case parameter = 2
    case version = 3
    case resource = 4
}

/// Where in the input an error was found, as far as it is known.
public struct SourceLocation: Equatable, Sendable {
    /// The line of a restore file (1-based); nil outside restore.
    public var line: Int?
    /// The byte column in that line where the offending word starts (1-based).
    public var column: Int?
    /// The index of the offending word in the command's words (argv, 0 = the program name).
    public var argument: Int?

    /// A location with whatever is known.
    public init(line: Int? = nil, column: Int? = nil, argument: Int? = nil) {
        self.line = line
        self.column = column
        self.argument = argument
    }
}

/// Every failure of the library and the tools: what kind it is, its message, the exit
/// status iptables-legacy gives it, and where it was found. `ErrorRenderer` turns it into
/// the text iptables prints; nothing below the tools prints an error or exits.
public struct IPTablesError: Error, Equatable {
    /// What went wrong, independent of how it is shown.
    public enum Kind: Equatable, Sendable {
        /// Bad input: an option, a rule, a line of a restore file.
        case parameter
        /// The kernel (through libiptc) refused an operation; `errno` says why.
        case kernel
        /// The xtables lock could not be taken.
        case lock
        /// Input could not be read or output written.
        case io
        /// libxtables could not be set up, or the kernel lacks the table (iptables' exit 3).
        case version
        /// Anything else.
        case other
    }

    /// How the message is rendered on stderr.
    public enum Style: Equatable, Sendable {
        /// xtables_error(): "prog vVER: msg" plus a hint that depends on the status.
        case xtables
        /// exit_tryhelp(): an optional message line, then the "Try ..." hint.
        case tryHelp
        /// The message exactly as given (it carries its own newlines).
        case plain
        /// A libiptc failure: "prog: msg.", with the dmesg hint for EINVAL.
        case kernel
    }

    /// What went wrong.
    public var kind: Kind
    /// The exit status iptables-legacy gives this error.
    public var status: ExitStatus
    /// How iptables renders it.
    public var style: Style
    /// The text, as iptables words it.
    public var message: String
    /// Where the error was found, when known.
    public var location: SourceLocation?
    /// The errno of a kernel failure.
    public var errno: Int32?

    /// An error of the given status; its kind follows from the status.
    public init(_ status: ExitStatus, _ message: String, style: Style = .xtables,
                location: SourceLocation? = nil) {
        self.status = status
        self.message = message
        self.style = style
        self.location = location
        switch status {
        case .parameter: kind = .parameter
        case .version: kind = .version
        case .resource: kind = style == .plain ? .lock : .other
        default: kind = .other
        }
    }

    /// A parameter problem (exit 2), rendered as xtables_error does.
    static func parameter(_ message: String) -> IPTablesError { IPTablesError(.parameter, message) }

    /// A kernel failure with libiptc's errno; the message (libiptc's text for it) is
    /// filled in by the table that failed, since that text depends on the call.
    static func kernel(errno: Int32, message: String = "") -> IPTablesError {
        var e = IPTablesError(errno == 11 ? .resource : .other, message, style: .kernel)  // EAGAIN
        e.kind = .kernel
        e.errno = errno
        return e
    }

    /// The same error with a location, keeping what it already knew.
    func located(line: Int? = nil, argument: Int? = nil) -> IPTablesError {
        var e = self
        var l = location ?? SourceLocation()
        if l.line == nil { l.line = line }
        if l.argument == nil { l.argument = argument }
        e.location = l
        return e
    }
}

/// Renders an IPTablesError the way iptables-legacy prints it.
public struct ErrorRenderer {
    /// The program named in messages ("iptables-restore").
    public var programName: String
    /// The version in messages ("1.8.9 (legacy)").
    public var version: String
    /// The restore line number, or nil outside restore.
    public var line: Int?
    /// Where the error is and why, shown after 1.8.9's message when standard error is a
    /// terminal (never to a pipe or file: scripts read the message as 1.8.9 prints it).
    public var located: Diagnostic?

    /// A renderer for a program, its version and, in restore, the line.
    public init(programName: String, version: String, line: Int? = nil) {
        self.programName = programName
        self.version = version
        self.line = line
    }

    /// The complete stderr text for an error.
    public func render(_ error: IPTablesError) -> String {
        switch error.style {
        case .plain:
            return error.message
        case .kernel:
            let hint = error.errno == 22 ? " Run `dmesg' for more information." : ""  // EINVAL
            return "\(programName): \(error.message).\(hint)\n"
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
