import Glibc

/// The located diagnostic iptables, iptables-restore and their IPv6 twins add after
/// 1.8.9's message, only when standard error is a terminal: the rule, a caret under the
/// offending word and the cause (the same diagnosis `iptables-swift check` makes).
enum TerminalDiagnostic {
    /// Whether standard error is a terminal.
    static var wanted: Bool { isatty(STDERR_FILENO) != 0 }

    /// For an iptables command line: the words, the one the parser stopped at, the cause.
    static func command(_ e: IPTablesError, arguments: [String], family: Family) -> Diagnostic? {
        guard let argument = e.location?.argument, argument > 0, argument < arguments.count else { return nil }
        var text = ""
        var column = 0
        for (i, word) in arguments.enumerated() {
            if i > 0 { text += " " }
            if i == argument { column = text.utf8.count + 1 }
            text += quoted(word)
        }
        var error = e
        error.location?.column = column
        var table = "filter"
        for (i, word) in arguments.enumerated() where (word == "-t" || word == "--table") && i + 1 < arguments.count {
            table = arguments[i + 1]
        }
        let failure = RestoreFailure(error: error, text: text, knownOptions: KernelFeatures.mergedLongOptions(), table: table)
        return diagnosis(family, programName: family.toolName).diagnose(failure)
    }

    /// For a restore that stopped: the line it stopped at and why.
    static func restore(_ e: IPTablesError, _ restore: Restore, file: String) -> Diagnostic? {
        let failure = RestoreFailure(error: e, text: (restore.failedLine ?? "").trimmingNewline(),
                                     underlying: restore.lastFailure?.error, command: restore.lastFailure?.command,
                                     knownOptions: KernelFeatures.mergedLongOptions(), table: restore.tableInHand)
        var d = diagnosis(restore.family, programName: restore.name, file: file).diagnose(failure)
        if d.severity == .note { d.cause = nil }  // a set lookup: the check's wording does not apply
        if d.ruleText == nil && d.cause == nil { return nil }
        d.file = file
        return d
    }

    private static func diagnosis(_ family: Family, programName: String, file: String = "") -> CheckDiagnosis {
        CheckDiagnosis(file: file, family: family, outline: RulesetOutline([]), programName: programName)
    }

    /// A word as a shell would need it written (quoted when it has spaces or is empty).
    private static func quoted(_ word: String) -> String {
        word.isEmpty || word.contains(" ") || word.contains("\t") ? "\"" + word + "\"" : word
    }
}
