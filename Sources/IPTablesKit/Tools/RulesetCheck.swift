import Glibc

/// How a ruleset is checked.
public struct CheckOptions: Sendable {
    /// The most errors reported per file.
    public var maxErrors = 20
    /// The file is meant for `iptables-restore --noflush`: it changes the live tables.
    public var noflush = false
    /// The file is meant for `iptables-restore --counters` (counters are then checked too).
    public var counters = false
    /// Whether the kernel stage may run (false: the userspace stage only).
    public var kernelStage = true

    /// The defaults: 20 errors, a flushing restore without counters, both stages.
    public init() {}
}

/// What a check found.
public struct CheckReport: Sendable {
    /// Every finding, errors and warnings, by line; notes about stages that did not run last.
    public var diagnostics: [Diagnostic] = []
    /// Whether every stage ran (userspace and kernel).
    public var complete = true

    /// Whether the file has errors.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// iptables-swift check's exit status: 1 errors, 3 a stage could not run, else 0.
    public var exitStatus: Int32 { hasErrors ? 1 : complete ? 0 : 3 }
}

/// Validates iptables-save text without touching the host: every line parsed and encoded
/// through libxtables as iptables-restore does (all errors, not only the first), then the
/// tables committed in a private network namespace so the kernel's own checks run; a
/// table the kernel refuses is cut down to find the rule it refused.
public final class RulesetChecker {
    let context: XtablesContext
    public var family: Family { context.family }
    /// Whether the kernel has the family's x_tables (a seam for tests).
    var kernelHasTables: (Family) -> Bool = KernelFeatures.tablesLoaded
    /// Runs the kernel stage in a private network namespace (a seam for tests).
    var inPrivateNetwork: ((Int32) -> Int32) throws -> PrivateNetwork.Outcome = PrivateNetwork.run

    /// A checker for a family (its messages are iptables-restore's).
    public init(family: Family) throws {
        context = try XtablesContext(family: family, programName: family.toolName + "-restore",
                                     output: DiscardSink(), diagnostics: DiscardSink())
    }

    /// Checks one text, named `file` in the diagnostics.
    public func check(_ text: [UInt8], file: String, options: CheckOptions = CheckOptions()) throws -> CheckReport {
        try context.activate()
        let outline = RulesetOutline(text)
        var diagnosis = CheckDiagnosis(file: file, family: family, outline: outline, programName: context.programName)
        var report = CheckReport()
        var notes: [Diagnostic] = []
        func note(_ message: String) {
            notes.append(Diagnostic(file: file, line: nil, severity: .note, message: message))
        }
        var live: [UInt8]?
        if options.noflush {
            if geteuid() == 0 {
                live = try liveTables()
                for block in RulesetOutline(live!).blocks {
                    diagnosis.liveChains[block.table, default: []] += block.chains.map(\.name)
                }
            } else {
                note("checking a --noflush file against the live tables needs root (they cannot be read otherwise): checked against empty tables")
                report.complete = false
            }
        }
        let base = options.noflush ? baseTables(live: live ?? [], for: outline) : nil
        let sets = options.kernelStage ? hostSets(outline, live: live, diagnosis: &diagnosis) : nil
        var found: [Diagnostic]?
        if !options.kernelStage {
            note("the kernel stage was not asked for (--userspace-only)")
        } else if !kernelHasTables(family) {
            let module = family.isIPv6 ? "ip6_tables" : "ip_tables"
            note("the kernel stage did not run: the kernel's \(module) is not loaded (`modprobe \(module)' as root loads it); only the userspace stage ran")
        } else {
            do {
                if let (list, complete) = try kernelStage(text, outline, diagnosis, options, base: base, sets: sets) {
                    found = list
                    if !complete {
                        report.complete = false
                        note("the live tables could not be copied whole into the check's namespace: what refers to them may be reported wrongly")
                    }
                } else {
                    note("the kernel stage ended abnormally; only the userspace stage ran")
                }
            } catch let e as PrivateNetwork.Unavailable {
                note("the kernel stage did not run: \(e.reason); only the userspace stage ran")
            }
        }
        if found == nil {
            report.complete = false
            diagnosis.hostSets = nil
            found = userspaceStage(text, diagnosis, options, base: base)
        }
        report.diagnostics = (found ?? []).sorted { ($0.line ?? 0) < ($1.line ?? 0) } + notes
        return report
    }

    /// What a --noflush file starts from: the live tables (as root), and every other table
    /// the file names empty, so that each attempt of the kernel stage starts alike.
    private func baseTables(live: [UInt8], for outline: RulesetOutline) -> [UInt8] {
        let present = Set(RulesetOutline(live).blocks.map(\.table))
        var base = live
        for table in Set(outline.blocks.map(\.table)).subtracting(present).sorted() {
            base += Array("*\(table)\nCOMMIT\n".utf8)
        }
        return base
    }

    /// As root, the host's ipsets the file (and the live tables it changes) name; the
    /// diagnosis learns which exist. nil when there are none or they cannot be read.
    private func hostSets(_ outline: RulesetOutline, live: [UInt8]?, diagnosis: inout CheckDiagnosis) -> IpsetDefinitions? {
        guard geteuid() == 0 else { return nil }
        let names = Set(IpsetDefinitions.names(in: outline) + IpsetDefinitions.names(in: RulesetOutline(live ?? [])))
        guard !names.isEmpty else { return nil }
        let sets = IpsetDefinitions(names: names.sorted())
        // Root of a user namespace may not read the host's sets: userspace only then.
        guard sets.readable else { return nil }
        diagnosis.hostSets = Set(sets.headers.keys)
        return sets
    }

    /// The live tables of the family as iptables-save text (read in the host's namespace).
    private func liveTables() throws -> [UInt8] {
        try SaveTool.text(context: context, tables: KernelTables())
    }

    /// Every line through restore on tables in memory.
    private func userspaceStage(_ text: [UInt8], _ diagnosis: CheckDiagnosis, _ options: CheckOptions,
                                base: [UInt8]?) -> [Diagnostic] {
        let memory = MemoryTables()
        if let base {
            let copy = CheckPass(context: context, tables: memory, noflush: false, counters: true, limit: Int.max)
            copy.run(base)
        }
        let pass = CheckPass(context: context, tables: memory, noflush: options.noflush, counters: options.counters,
                             limit: options.maxErrors)
        pass.run(text)
        return pass.failures.map(diagnosis.diagnose)
    }

    /// Every line through restore on the kernel's tables of a private network namespace,
    /// in a child process; a refused table is cut down to the rule it refused. The
    /// findings and whether the live tables were copied whole; nil when the child failed.
    private func kernelStage(_ text: [UInt8], _ outline: RulesetOutline, _ diagnosis: CheckDiagnosis,
                             _ options: CheckOptions, base: [UInt8]?, sets: IpsetDefinitions?) throws -> ([Diagnostic], Bool)? {
        // Root in the host reads the kernel's log; root of a user namespace may not.
        let readsKernelLog = geteuid() == 0
        let outcome = try inPrivateNetwork { fd in
            var stage = KernelStage(context: context, outline: outline, diagnosis: diagnosis, options: options, base: base,
                                    readsKernelLog: readsKernelLog)
            stage.diagnosis.uncopiedSets = Set(sets?.create() ?? [])
            let (found, copied) = stage.run(text)
            PrivateNetwork.writeAll(fd, Array(found.map { $0.encoded() }.joined().utf8))
            return copied ? 0 : 3
        }
        guard let status = outcome.status, status == 0 || status == 3,
              let found = Diagnostic.decodeAll(String(decoding: outcome.output, as: UTF8.self)) else { return nil }
        return (found, status == 0)
    }
}

/// The kernel stage, inside the private namespace: one checked restore of the whole text,
/// then for each COMMIT the kernel refused, the refused rules found by committing ever
/// shorter prefixes of that table's rules (a binary search, then again without the rule
/// found, up to the error limit).
struct KernelStage {
    let context: XtablesContext
    let outline: RulesetOutline
    var diagnosis: CheckDiagnosis
    let options: CheckOptions
    /// The tables a --noflush file changes (the live ones as root), loaded before each attempt.
    let base: [UInt8]?
    /// Whether the process is root in the host and so may read the kernel's log.
    let readsKernelLog: Bool

    private func kernelLog() -> KernelLog? { readsKernelLog ? KernelLog() : nil }

    /// The findings, and whether the base tables loaded without a failure.
    func run(_ text: [UInt8]) -> ([Diagnostic], Bool) {
        let copied = loadBase()
        let pass = pass()
        pass.run(text)
        var found: [Diagnostic] = []
        var errors = 0
        for f in pass.failures {
            if let block = outline.block(committedAt: f.line), f.command == nil, let e = f.underlying, e.kind == .kernel {
                let excluded = Set(pass.failures.map(\.line))
                let rejected = bisect(block, excluded: excluded, refusal: e, budget: options.maxErrors - errors)
                errors += rejected.count
                found += rejected
            } else {
                errors += 1
                found.append(diagnosis.diagnose(f))
            }
        }
        return (found, copied)
    }

    private func pass() -> CheckPass {
        CheckPass(context: context, tables: KernelTables(locking: false), noflush: options.noflush,
                  counters: options.counters, limit: options.maxErrors)
    }

    /// Puts the base tables back (before each attempt of a --noflush file); false when a
    /// line of them failed.
    @discardableResult
    private func loadBase() -> Bool {
        guard let base else { return true }
        let copy = CheckPass(context: context, tables: KernelTables(locking: false), noflush: false, counters: true, limit: Int.max)
        copy.run(base)
        return copy.failures.isEmpty
    }

    /// The refusal of the block with only these rule lines kept, if the kernel refuses it.
    private func attempt(_ block: RulesetOutline.Block, keeping rules: ArraySlice<Int>) -> IPTablesError? {
        loadBase()
        let kept = Set(rules)
        let ruleSet = Set(block.ruleLines)
        let text = outline.text { n in
            n >= block.openLine && n <= block.commitLine! && (!ruleSet.contains(n) || kept.contains(n))
        }
        let p = pass()
        p.run(text)
        return p.failures.first { $0.line == block.commitLine && $0.underlying?.kind == .kernel }?.underlying
    }

    /// The rules of a refused block the kernel refuses, each found by a binary search for
    /// the shortest refused prefix; the table itself when it is refused without its rules
    /// (or no prefix is refused: the refusal then comes from elsewhere).
    private func bisect(_ block: RulesetOutline.Block, excluded: Set<Int>, refusal: IPTablesError, budget: Int) -> [Diagnostic] {
        guard budget > 0 else { return [] }
        var rules = block.ruleLines.filter { !excluded.contains($0) }
        var found: [Diagnostic] = []
        var good = 0  // the prefix rules[0..<good] is accepted
        var whole: IPTablesError? = refusal
        if rules.isEmpty || attempt(block, keeping: rules[0..<0]) != nil || attempt(block, keeping: rules[...]) == nil {
            let log = kernelLog()
            let e = attempt(block, keeping: rules[0..<0]) ?? refusal
            return [diagnosis.tableRejection(block, error: e, log: log?.netfilterLines() ?? [])]
        }
        while let refused = whole, found.count < budget {
            var bad = rules.count  // the prefix rules[0..<bad] is refused
            while bad - good > 1 {
                let mid = (good + bad) / 2
                if attempt(block, keeping: rules[0..<mid]) != nil { bad = mid } else { good = mid }
            }
            let line = rules[bad - 1]
            let log = kernelLog()
            let e = attempt(block, keeping: rules[0..<bad]) ?? refused
            let registered = (KernelFeatures.registered("matches", family: context.family),
                              KernelFeatures.registered("targets", family: context.family))
            found.append(diagnosis.kernelRejection(line: line, error: e, log: log?.netfilterLines() ?? [],
                                                   registered: registered))
            rules.remove(at: bad - 1)
            good = bad - 1  // what came before the refused rule was accepted
            whole = good < rules.count ? attempt(block, keeping: rules[...]) : nil
        }
        return found
    }
}
