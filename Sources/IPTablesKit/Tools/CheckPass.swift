import Glibc

/// One failing line of a checked restore run, with what was known when it failed.
struct RestoreFailure {
    /// The error iptables-restore would have stopped at (its location names the line).
    var error: IPTablesError
    /// The line as read.
    var text: String
    /// The table's own error behind "line N failed" (a rule command or a commit).
    var underlying: IPTablesError?
    /// The rule command whose table call failed.
    var command: ParsedCommand?
    /// The long options merged when the line failed (for "did you mean").
    var knownOptions: [String]
    /// The table block the line is in ("" outside one).
    var table: String
    /// The line ended the run (-h, -V): a warning, not an error.
    var endedRun = false

    /// The line the failure is reported at.
    var line: Int { error.location?.line ?? 0 }
}

/// One pass of iptables-restore over a text in check mode: every failing line is
/// collected and the pass goes on; nothing is printed. On the kernel's tables (in a
/// private namespace) or on tables in memory.
final class CheckPass: RestoreObserver {
    private let context: XtablesContext
    private let tables: TableProvider
    private let noflush: Bool
    private let counters: Bool
    /// How many failures to collect before the pass stops.
    private let limit: Int
    private(set) var failures: [RestoreFailure] = []

    init(context: XtablesContext, tables: TableProvider, noflush: Bool, counters: Bool, limit: Int) {
        self.context = context
        self.tables = tables
        self.noflush = noflush
        self.counters = counters
        self.limit = limit
    }

    /// Runs restore over the text; the failures are in `failures` after.
    func run(_ text: [UInt8]) {
        var settings = RestoreTool.Settings()
        settings.noflush = noflush
        settings.counters = counters
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, text.count))
        defer { buffer.deallocate() }
        text.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: text.count) }
        settings.input = text.isEmpty ? fopen("/dev/null", "re") : fmemopen(buffer, text.count, "r")
        guard settings.input != nil else { return }
        let restore = Restore(context: context, tables: tables, argv0: context.programName, settings: settings)
        restore.observer = self
        let saved = (context.output, context.diagnostics)
        context.output = DiscardSink()
        context.diagnostics = DiscardSink()
        defer { (context.output, context.diagnostics) = saved }
        do { try restore.run() } catch {}
    }

    func restore(_ restore: Restore, failed error: IPTablesError, text: String) -> Bool {
        let behind = restore.lastFailure
        let line = text.trimmingNewline()
        failures.append(RestoreFailure(error: error, text: line, underlying: behind?.error,
                                       command: behind?.command, knownOptions: KernelFeatures.mergedLongOptions(),
                                       table: line == "COMMIT" ? restore.lastTable : restore.tableInHand))
        return failures.count < limit
    }

    func restore(_ restore: Restore, endedAt line: Int, text: String) {
        var e = IPTablesError(.other, "", style: .plain)
        e.location = SourceLocation(line: line)
        failures.append(RestoreFailure(error: e, text: text.trimmingNewline(), knownOptions: [],
                                       table: restore.tableInHand, endedRun: true))
    }
}

/// A sink that drops everything (a check prints nothing of what restore would).
final class DiscardSink: OutputSink {
    func write(_ bytes: UnsafeRawBufferPointer) {}
    var isStandardOutput: Bool { false }
}
