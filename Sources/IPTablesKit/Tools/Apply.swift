import Glibc

/// One family's rules file in an apply.
struct ApplyFile {
    let family: Family
    let path: String
    let text: [UInt8]
    /// The file's tables and lines, parsed once.
    let outline: RulesetOutline
    /// The tables the file names, in order, once each.
    var tables: [String] { outline.tableNames }

    init(family: Family, path: String, text: [UInt8]) {
        self.family = family
        self.path = path
        self.text = text
        outline = RulesetOutline(text)
    }
}

/// Why an apply stopped: which table, what restore said, and whether the snapshot came back.
struct ApplyFailure: Error {
    let family: Family
    let table: String
    let message: String
    let rolledBack: Bool
}

/// Applies rules files to both families all or nothing: every table of both families is
/// read first (with counters); the files are restored table by table; if any table fails,
/// every table already changed is put back from that snapshot. The caller holds the
/// xtables lock for the whole run.
final class ApplyRun {
    let files: [ApplyFile]
    /// The tables as they were before, per family (iptables-save -c text).
    private(set) var snapshots: [Family: [UInt8]] = [:]
    private var contexts: [Family: XtablesContext] = [:]
    /// The tables as the apply left them, per family, once read.
    private var applied: [Family: [UInt8]] = [:]

    init(files: [ApplyFile]) { self.files = files }

    /// The context of a family, active.
    func context(_ family: Family) throws -> XtablesContext {
        if let c = contexts[family] {
            try c.activate()
            return c
        }
        let c = try XtablesContext(family: family, programName: family.toolName + "-restore",
                                   output: DiscardSink(), diagnostics: DiscardSink())
        contexts[family] = c
        return c
    }

    /// The live tables of a family as save text (with counters when asked).
    func save(_ family: Family, counters: Bool) throws -> [UInt8] {
        try SaveTool.text(context: try context(family), tables: KernelTables(), counters: counters)
    }

    /// Reads every family's tables (the snapshot the rollback restores).
    func takeSnapshots() throws {
        for f in files where snapshots[f.family] == nil { snapshots[f.family] = try save(f.family, counters: true) }
    }

    /// Restores each file in turn; on a failure, rolls every family back and throws.
    func apply() throws {
        for (i, f) in files.enumerated() {
            do {
                try restore(f.text, family: f.family, counters: false)
            } catch let e as IPTablesError {
                let line = e.location?.line
                let table = line.flatMap { f.outline.block(containing: $0)?.table } ?? "?"
                let renderer = ErrorRenderer(programName: f.family.toolName + "-restore", version: XtablesVersion.string, line: line)
                // The failing file's tables committed before the failing line, and every
                // table of the files before it, go back; nothing else was touched.
                let committed = f.outline.blocks.filter { ($0.commitLine ?? Int.max) < (line ?? 0) }.map(\.table)
                let ok = rollBack(files[0..<i]) && rollBack(f, tables: committed)
                throw ApplyFailure(family: f.family, table: table, message: renderer.render(e), rolledBack: ok)
            }
        }
    }

    /// Puts back, from the snapshot, every table the given files name (counters included);
    /// false when a restore of the snapshot failed.
    @discardableResult
    func rollBack(_ done: ArraySlice<ApplyFile>) -> Bool {
        var ok = true
        for f in done.reversed() where !rollBack(f, tables: f.tables) { ok = false }
        return ok
    }

    /// Puts these tables of one file's family back from the snapshot.
    func rollBack(_ f: ApplyFile, tables: [String]) -> Bool {
        guard let snapshot = snapshots[f.family], !tables.isEmpty else { return true }
        do { try restore(rollbackText(snapshot, tables: tables, family: f.family), family: f.family, counters: true) } catch {
            return false
        }
        return true
    }

    /// The snapshot's blocks of these tables; a table the snapshot lacks (it was not
    /// loaded before) comes back empty with ACCEPT policies.
    func rollbackText(_ snapshot: [UInt8], tables: [String], family: Family) -> [UInt8] {
        let outline = RulesetOutline(snapshot)
        var out: [UInt8] = []
        for t in tables {
            if let b = outline.blocks.first(where: { $0.table == t }), let end = b.commitLine {
                out += outline.text { $0 >= b.openLine && $0 <= end }
            } else {
                var block = "*\(t)\n"
                for chain in BuiltinChains.byTable[t] ?? [] { block += ":\(chain) ACCEPT [0:0]\n" }
                out += Array((block + "COMMIT\n").utf8)
            }
        }
        return out
    }

    /// One restore into the kernel's tables (the xtables lock is the caller's).
    func restore(_ text: [UInt8], family: Family, counters: Bool) throws {
        let c = try context(family)
        var renderer = ErrorRenderer(programName: c.programName, version: XtablesVersion.string)
        _ = try RestoreTool.run([c.programName] + (counters ? ["-c"] : []), context: c, tables: KernelTables(),
                                renderer: &renderer, input: String(decoding: text, as: UTF8.self))
    }

    /// A line per table of each file: unchanged, or changed (+N -M rules).
    func summary() throws -> [String] {
        var lines: [String] = []
        for f in files {
            let before = SavedTables(String(decoding: snapshots[f.family] ?? [], as: UTF8.self))
            let after = SavedTables(String(decoding: try appliedText(f.family), as: UTF8.self))
            for t in f.tables {
                let changes = TableDiff.changes(from: before, to: after, tables: [t])
                lines.append("\(f.family.name) \(t): \(DiffFormat.summary(changes))")
            }
        }
        return lines
    }

    /// The tables of a family as the apply left them (save text, no counters), read once.
    func appliedText(_ family: Family) throws -> [UInt8] {
        if let t = applied[family] { return t }
        let t = try save(family, counters: false)
        applied[family] = t
        return t
    }
}
