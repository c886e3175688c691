import Glibc

/// The state of one restore run: the table block in hand and the line being read.
final class Restore {
    let context: XtablesContext
    let tables: TableProvider
    var family: Family { context.family }
    var name: String { context.programName }
    let argv0: String
    let settings: RestoreTool.Settings
    private(set) var lineNumber = 0
    private var session: TableSession?
    /// The last committed table's handle, released when the next table starts. A restore
    /// that ends the process leaves every committed handle to the exit (freeing the 100k
    /// rules of kube-proxy's nat table before a small filter block is wasted work there).
    private var committed: TableSession?
    private var currentTable = ""
    /// The table whose block is being read ("" between blocks).
    var tableInHand: String { session != nil ? currentTable : "" }
    /// The table of the last block opened (still named after its COMMIT).
    var lastTable: String { currentTable }
    private var lock: XtablesLock?
    /// The rule draft every line is parsed into (reset after each).
    private lazy var draft = RuleDraft(context: context)
    /// Set by a check: a failing line is reported to it and the run goes on.
    weak var observer: RestoreObserver?
    /// In a checked run, the table block being skipped because its `*table` line failed.
    private var skippingBlock = false
    /// What lay behind the last "line N failed": the table's own error (a rule command
    /// or a commit the kernel refused) and the rule command, when there was one.
    private(set) var lastFailure: (error: IPTablesError, command: ParsedCommand?)?
    /// The line the run stopped at, as read (for the located message on a terminal).
    private(set) var failedLine: String?

    init(context: XtablesContext, tables: TableProvider, argv0: String, settings: RestoreTool.Settings) {
        self.context = context
        self.tables = tables
        self.argv0 = argv0
        self.settings = settings
        context.resetAnnouncements()
    }

    func run() throws {
        let input = settings.input!
        defer { if input != stdin { fclose(input) } }
        let size = RulesetOutline.readSize
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        defer { buffer.deallocate() }
        while fgets(buffer, Int32(size), input) != nil {
            lineNumber += 1
            let line = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self),
                                           count: strlen(buffer))
            if let observer {
                guard checked(line, observer) else { return }
                continue
            }
            let ok: Bool
            do {
                ok = try handle(line)
            } catch {
                failedLine = String(decoding: line, as: UTF8.self)
                throw error
            }
            if let only = settings.onlyTable, only != currentTable { continue }
            if !ok {
                failedLine = String(decoding: line, as: UTF8.self)
                throw IPTablesError(.other, "\(name): line \(lineNumber) failed\n", style: .plain)
            }
        }
        if session != nil {
            let e = IPTablesError(.other, "\(name): COMMIT expected at line \(lineNumber + 1)\n", style: .plain)
            guard let observer else { throw e }
            _ = observer.restore(self, failed: e.located(line: lineNumber + 1), text: "")
        }
    }

    /// The line that ends a table's block. (Static text, not an array: see `isCommit`.)
    private static let commitLine: StaticString = "COMMIT\n"

    /// Whether the line is COMMIT. Compared with static text: a static array of bytes would
    /// be the restore's first array, and have the runtime register the standard library's
    /// array classes at every run.
    private static func isCommit(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.elementsEqual(UnsafeBufferPointer(start: commitLine.utf8Start, count: commitLine.utf8CodeUnitCount))
    }

    /// One line of a checked run: a failure goes to the observer, the rule draft is reset
    /// and the run goes on (a table line that failed skips its block up to COMMIT).
    /// False when the observer wants no more, or a line ended the run (-h, -V).
    private func checked(_ line: UnsafeBufferPointer<UInt8>, _ observer: RestoreObserver) -> Bool {
        if skippingBlock {
            if Restore.isCommit(line) { skippingBlock = false }
            return true
        }
        let opensTable = session == nil && line.first == 0x2A
        lastFailure = nil
        var text: String { String(decoding: line, as: UTF8.self) }
        do {
            if try handle(line) { return true }
            let e = IPTablesError(.other, "\(name): line \(lineNumber) failed\n", style: .plain)
            return observer.restore(self, failed: e.located(line: lineNumber), text: text)
        } catch let e as IPTablesError {
            draft.reset()
            let goOn = observer.restore(self, failed: e.located(line: lineNumber), text: text)
            // A table line that failed, or one inside a table: nothing up to COMMIT can be read as meant.
            if opensTable && session == nil || line.first == 0x2A { skippingBlock = true; session = nil }
            // A COMMIT line that failed ends its table all the same.
            if Restore.isCommit(line) { session = nil }
            return goOn
        } catch {
            draft.reset()
            observer.restore(self, endedAt: lineNumber, text: text)
            return false
        }
    }

    /// One input line; false when it failed (reported as "line N failed").
    private func handle(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        let inTable = session != nil
        guard let first = line.first else { return inTable ? try ruleLine(line) : false }
        if first == 0x0A { return true }
        if first == 0x23 {
            if settings.verbose > 0 { context.output.write(UnsafeRawBufferPointer(line)); context.output.flush() }
            return true
        }
        if first != 0x3A {
            // Chains to delete or create change the table: the lazy comparison ends there.
            if let l = lazy, doomedLeft > 0 || !pendingChains.isEmpty { try l.materialize() }
            deleteDoomedChains()
            try createPendingChains()
        }
        if inTable && Restore.isCommit(line) { return commit() }
        if first == 0x2A && !inTable { return try openTable(line) }
        if first == 0x3A && inTable { return try declareChain(line) }
        if inTable { return try ruleLine(line) }
        return false
    }

    /// Where the words of a header line are, as strtok(" \t\n") splits them (after the
    /// leading '*' or ':').
    private func fields(_ b: UnsafeBufferPointer<UInt8>) -> HeaderFields {
        var out = HeaderFields()
        var i = 1
        while i < b.count {
            while i < b.count && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A) { i += 1 }
            let start = i
            while i < b.count && b[i] != 0x20 && b[i] != 0x09 && b[i] != 0x0A { i += 1 }
            if i > start { out.add(start..<i) }
        }
        return out
    }

    /// One word of a line as a String.
    private func word(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
    }

    private func openTable(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        if tables.needsLock { lock = try XtablesLock(wait: settings.wait) }
        guard let tableWord = fields(line).first else {
            throw IPTablesError.parameter("\(name): line \(lineNumber) table name invalid")
        }
        let table = word(line, tableWord)
        currentTable = String(table.prefix(32))
        if let only = settings.onlyTable, only != table {
            releaseLock()
            return true
        }
        committed = nil
        // A flushing restore reads the table as it is until its first change (ReplacingTable).
        let replacing = !settings.noflush && !settings.testing
        guard let s = try? (replacing ? tables.openForReplacing(family: family, table: table)
                                      : tables.open(family: family, table: table)) else {
            throw IPTablesError.parameter("\(name): unable to initialize table '\(table)'")
        }
        session = s
        lazy = nil
        snapshot = settings.testing || !settings.noflush ? nil : TableSnapshot(s)
        countersGiven = (rules: false, policies: false)
        if !settings.noflush {
            let verbose = settings.verbose > 0
            // Unless testing, the flush waits: the block is compared with the live table
            // first, and an unchanged table is never rewritten (LazyReplace).
            let chains = s.chains()
            // Built-ins come first in libiptc's order (their names are the kernel's: no need
            // to ask libiptc about each of tens of thousands of chains).
            let known = Set(BuiltinChains.byTable[table] ?? [])
            let builtins = chains.prefix { known.isEmpty ? s.isBuiltin($0) : known.contains($0) }.count
            if !settings.testing {
                lazy = LazyReplace(s, chains: chains, builtins: builtins)
                lazy!.materializer = { [unowned self] in try self.materialize() }
            }
            for chain in chains {
                if verbose { context.output.write("Flushing chain `\(chain)'\n") }
                if lazy == nil { try? s.flush(chain) }
            }
            doomedChains = Array(chains.dropFirst(builtins))
            if verbose { for chain in doomedChains { context.output.write("Deleting chain `\(chain)'\n") } }
            doomedIndex = NameTable()
            for (i, chain) in doomedChains.enumerated() { doomedIndex.updateValue(i, forKey: chain) }
            doomedKept = Array(repeating: false, count: doomedChains.count)
            doomedLeft = doomedChains.count
        }
        return true
    }

    /// A flushing restore's comparison with the live table, while nothing differs.
    private var lazy: LazyReplace?

    /// Ends the lazy comparison: the table flushed as the normal path flushed it when the
    /// block opened, and the rules matched so far appended again.
    private func materialize() throws {
        guard let l = lazy, let s = session else { return }
        lazy = nil
        let copies = l.copyTaken()
        for chain in s.chains() { try? s.flush(chain) }
        try l.replay(copies)
        (s as? ReplacingTable)?.releaseBlob()
    }

    /// A --noflush restore's table as it was opened: a COMMIT that would leave it the same is skipped, and
    /// its counters keep counting (a deliberate difference from 1.8.9, which rewrites it).
    private var snapshot: TableSnapshot?
    /// Whether the block gave counters under -c, for rules (`[p:b]`) and for policies:
    /// then they must match too for the commit to be skipped.
    private var countersGiven = (rules: false, policies: false)

    /// The user chains a flushing restore found in the table, in libiptc's order: iptables
    /// deletes them all as it opens the table and creates anew those the input declares.
    /// Here they are flushed then, but deleted only at the first line that is not a chain
    /// declaration, and a declared one is simply kept: the same empty chain either way, and
    /// nothing before that line can tell the difference. A kube-proxy ruleset that replaces
    /// itself so keeps its 70k chains instead of deleting and creating each.
    private var doomedChains: [String] = []
    /// Where each doomed chain is in `doomedChains`; whether a declaration kept it; how many
    /// are still doomed. (Marked, not removed: a removal from a big set costs more.)
    private var doomedIndex = NameTable()
    private var doomedKept: [Bool] = []
    private var doomedLeft = 0

    /// Deletes the flushed chains that no declaration kept. From the last back: libiptc
    /// rebuilds its whole chain index whenever the first chain of an index bucket is
    /// deleted, which first-to-last order does every 40 chains.
    private func deleteDoomedChains() {
        guard !doomedChains.isEmpty, let s = session else { return }
        for i in doomedChains.indices.reversed() where !doomedKept[i] { try? s.deleteChain(doomedChains[i]) }
        doomedChains = []
        doomedIndex = NameTable()
        doomedKept = []
        doomedLeft = 0
    }

    /// User chains declared by a run of ":CHAIN - [...]" lines, not yet created. libiptc
    /// keeps user chains in a sorted list with an index of every 40th one: a new chain is
    /// placed by a binary search of the index and then a walk of the list from there. A chain
    /// that sorts before every other user chain needs almost no walk, one that sorts after
    /// them walks the whole last stretch (up to 395 chains). So a run is created from the
    /// last name to the first. The kernel's table is the same in any order (the list is
    /// sorted either way); each line is still checked when it is read, so errors name the
    /// line legacy names.
    private var pendingChains = PendingChains()
    /// The number of the current run of declarations: every other line ends a run, and so
    /// does creating the pending chains. A name declared twice in one run is a repeat.
    private var declarationRun = 0

    /// Creates the pending chains, in descending order of their names.
    private func createPendingChains() throws {
        declarationRun += 1
        guard !pendingChains.isEmpty, let s = session else { return }
        snapshot?.markChanged()
        var pending = PendingChains()
        swap(&pending, &pendingChains)
        try pending.forEachDescending { chain in
            do {
                try s.createChain(chain.name)
            } catch let e as IPTablesError {
                throw IPTablesError.parameter("error creating chain '\(chain.name)':\(String(cString: strerror(e.errno ?? 0)))")
                    .located(line: chain.line)
            }
        }
    }

    /// Whether libiptc would refuse to create this chain (it exists, or names a verdict).
    private func creationWouldFail(_ chain: String, repeated: Bool, in s: TableSession) -> Bool {
        Names.isVerdict(chain) || repeated || s.isChain(chain)
    }

    private func declareChain(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        let s = session!
        let f = fields(line)
        guard let chainWord = f.first else {
            throw IPTablesError.parameter("\(name): line \(lineNumber) chain name invalid")
        }
        let chain = word(line, chainWord)
        if chain.utf8.count >= 29 { throw IPTablesError.parameter("Invalid chain name `\(chain)' (28 chars max)") }
        // Announced first: one lookup both records the name and tells a repeat in this run
        // (a declaration that fails ends the restore, so announcing it early changes nothing).
        let repeated = context.announceChain(chain, run: declarationRun) == declarationRun
        var pending = false
        if doomedLeft > 0, let i = doomedIndex[chain], !doomedKept[i] {
            // Kept, flushed: what deleting and creating it again would leave.
            doomedKept[i] = true
            doomedLeft -= 1
            lazy?.declareUserChain(i)
        } else if !s.isBuiltin(chain) {
            if settings.noflush && (repeated || s.isChain(chain)) {
                if !repeated {
                    snapshot?.willChange(chain)
                    try flushDeclared(chain, in: s)
                }
            } else if creationWouldFail(chain, repeated: repeated, in: s) {
                throw IPTablesError.parameter("error creating chain '\(chain)':\(String(cString: strerror(EEXIST)))")
            } else {
                pending = true
            }
        }
        guard f.count > 1 else { throw IPTablesError.parameter("\(name): line \(lineNumber) policy invalid") }
        if pending {
            pendingChains.append(PendingChain(name: chain, line: lineNumber))
        }
        if f[1].count != 1 || line[f[1].lowerBound] != 0x2D {
            let policy = word(line, f[1])
            if let l = lazy, !pendingChains.isEmpty { try l.materialize() }  // a new chain changes the table
            try createPendingChains()
            var counters: (UInt64, UInt64) = (0, 0)
            if settings.counters {
                guard f.count > 2, let c = CounterText.policy(word(line, f[2])) else {
                    throw IPTablesError.parameter("invalid policy counters for chain '\(chain)'")
                }
                counters = c
                countersGiven.policies = true
            }
            lazy?.setPolicy(chain, policy, counters: settings.counters ? counters : nil)
            snapshot?.willSetPolicy(chain)
            do {
                try s.setPolicy(chain, policy, counters: counters)
            } catch let e as IPTablesError {
                throw IPTablesError(.other, "Can't set policy `\(policy)' on `\(chain)' line \(lineNumber): \(s.message(for: e.errno ?? 0))")
            }
        }
        return true
    }

    /// --noflush: a declared chain that exists is flushed.
    private func flushDeclared(_ chain: String, in s: TableSession) throws {
        do {
            try s.flush(chain)
        } catch let e as IPTablesError {
            throw IPTablesError.parameter("error flushing chain '\(chain)':\(String(cString: strerror(e.errno ?? 0)))")
        }
    }

    /// The words every rule line of the current table starts with (argv[0], -t TABLE and
    /// restore's -v), NUL-separated, and their offsets; made once per table. Plain lists,
    /// like `lineStarts`: no array is made on a rule line's way.
    private var prefixBytes = UnmanagedList<UInt8>()
    /// Where each word of `prefixBytes` starts.
    private var prefixStarts = UnmanagedList<Int>()
    /// The table `prefixBytes` names; nil before the first rule line.
    private var prefixTable: String?

    /// Makes the prefix of the current table's rule lines, unless it is made.
    private func makePrefixWords() {
        if prefixTable == currentTable { return }
        prefixBytes.removeAll()
        prefixStarts.removeAll()
        func add(_ word: String) {
            prefixStarts.append(prefixBytes.count)
            for b in word.utf8 { prefixBytes.append(b) }
            prefixBytes.append(0)
        }
        add(argv0)
        add("-t")
        add(currentTable)
        if !settings.noflush { for _ in 0..<settings.verbose { add("-v") } }
        prefixTable = currentTable
    }

    /// The argv every rule line is split into (its buffers kept from line to line), and
    /// where its words start.
    private let lineArgv = CArgv()
    private var lineStarts = UnmanagedList<Int>()

    deinit {
        prefixBytes.deallocate()
        prefixStarts.deallocate()
        lineStarts.deallocate()
    }

    private func ruleLine(_ line: UnsafeBufferPointer<UInt8>) throws -> Bool {
        makePrefixWords()
        var counterWords: [String] = []
        var restStart = 0
        if let c = try RestoreTokenizer.counters(line, lineNumber: lineNumber) {
            restStart = c.restStart
            if settings.counters {
                counterWords = ["--set-counters", c.packets, c.bytes]
                countersGiven.rules = true
            }
        }
        let rest = UnsafeBufferPointer(rebasing: line[restStart...])
        let extra = counterWords.reduce(0) { $0 + $1.utf8.count + 1 }
        let argv = lineArgv
        let buffer = argv.wordBuffer(bytes: prefixBytes.count + extra + 2 * rest.count + 1)
        UnsafeMutableRawPointer(buffer).copyMemory(from: prefixBytes.buffer.baseAddress!, byteCount: prefixBytes.count)
        var end = prefixBytes.count
        lineStarts.removeAll()
        lineStarts.append(contentsOf: UnsafeBufferPointer(prefixStarts.buffer))
        for word in counterWords {
            lineStarts.append(end)
            for b in word.utf8 { buffer[end] = CChar(bitPattern: b); end += 1 }
            buffer[end] = 0
            end += 1
        }
        try RestoreTokenizer.split(rest, into: buffer, end: &end, starts: &lineStarts)
        argv.point(at: UnsafeBufferPointer(lineStarts.buffer))
        if lineStarts.count >= RestoreTokenizer.maxArguments {
            throw IPTablesError.parameter("Parser cannot handle more arguments")
        }
        context.setLine(lineNumber)
        let parser = RuleParser(context: context, argv: argv, restore: true, table: currentTable, draft: draft)
        let outcome: RuleParser.Outcome
        do {
            outcome = try parser.parse()
        } catch let e as IPTablesError {
            throw located(e, in: line, restStart: restStart, wordsBefore: prefixStarts.count + counterWords.count)
        }
        guard case .run(let command) = outcome else { throw RestoreEnded() }
        // Zeroing or setting counters (-Z, -c on a command) changes counters only: the commit
        // must then happen whatever else is the same.
        if command.commands.contains(.zero) || command.commands.contains(.zeroNum) || command.options.contains(.counters) {
            countersGiven = (true, true)
        }
        defer { draft.reset() }
        defer { context.output.flush() }
        do {
            try CommandRunner(command: command, session: session!, context: context, lazy: lazy, watch: snapshot).run()
        } catch let e as IPTablesError where e.kind == .kernel {
            lastFailure = (e.described(by: session!), command)
            return false
        }
        return true
    }

    /// The error with the byte column of the word it names, counted in the input line.
    private func located(_ e: IPTablesError, in line: UnsafeBufferPointer<UInt8>, restStart: Int,
                         wordsBefore: Int) -> IPTablesError {
        guard let argument = e.location?.argument, argument >= wordsBefore else { return e }
        let columns = RestoreTokenizer.wordColumns(UnsafeBufferPointer(rebasing: line[restStart...]))
        var located = e
        let k = argument - wordsBefore
        if k < columns.count { located.location?.column = restStart + columns[k] }
        return located
    }

    private func commit() -> Bool {
        var ok = true
        var unchanged = snapshot?.isSame(as: session!, ruleCounters: countersGiven.rules,
                                         policyCounters: countersGiven.policies) ?? false
        snapshot = nil
        if let l = lazy {
            if l.unchanged {
                unchanged = true
                lazy = nil
                // Tens of thousands of chains and rules compared: a tool about to exit
                // leaves that memory to the exit.
                if context.endsWithProcess {
                    l.materializer = nil
                    XtablesProcess.keepUntilExit(l)
                }
            } else {
                do { try l.materialize() } catch {
                    lastFailure = ((error as? IPTablesError) ?? IPTablesError.kernel(errno: EINVAL), nil)
                    session = nil
                    releaseLock()
                    return false
                }
            }
        }
        if !settings.testing && !unchanged {
            do {
                try session!.commit()
            } catch {
                ok = false
                if let e = error as? IPTablesError { lastFailure = (e.described(by: session!), nil) }
            }
        }
        if context.endsWithProcess { session!.freesHandle = false }
        committed = session
        session = nil
        releaseLock()
        return ok
    }

    private func releaseLock() {
        lock?.release()
        lock = nil
    }
}

/// Told of every failing line of a checked restore run (`Restore.observer`).
protocol RestoreObserver: AnyObject {
    /// A line failed with the error restore would stop at (its location names the line);
    /// `text` is the line as read. Returns whether the run goes on.
    func restore(_ restore: Restore, failed error: IPTablesError, text: String) -> Bool
    /// A line asked for help or the version: iptables-restore answers and loads nothing more.
    func restore(_ restore: Restore, endedAt line: Int, text: String)
}

/// A restore line asked for help or the version: that was answered, and the run ends
/// there with success, committing nothing more (as iptables-restore 1.8.9 does).
struct RestoreEnded: Error {}

/// A chain a run of declarations names, created when the run ends. (A struct: an array of
/// tuples has its element type's metadata made at run time, from its mangled name.)
private struct PendingChain {
    let name: String
    let line: Int
}

/// The chains of a run of declarations. The first is held inline: a --noflush change
/// declares one chain, and an array of them (restore's only one on that path) would have
/// the runtime register the standard library's array classes at every such restore.
private struct PendingChains {
    private var first = PendingChain(name: "", line: 0)
    private var more: [PendingChain] = []
    /// How many chains are pending.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ chain: PendingChain) {
        if count == 0 { first = chain } else { more.append(chain) }
        count += 1
    }

    /// Calls `body` with each chain, the last name first (ChainOrder).
    func forEachDescending(_ body: (PendingChain) throws -> Void) rethrows {
        guard count > 1 else { return count == 1 ? try body(first) : () }
        for chain in ChainOrder.descending([first] + more, name: { $0.name }) { try body(chain) }
    }
}

/// The words of a restore header line (`*table`, `:chain policy [counters]`): where the
/// first three are, and how many there are. Kept inline: an array of ranges would have
/// its metadata registered at run time, at every restore.
private struct HeaderFields {
    private var ranges: (Range<Int>, Range<Int>, Range<Int>) = (0..<0, 0..<0, 0..<0)
    /// How many words the line has (those after the third are counted, not kept).
    private(set) var count = 0

    mutating func add(_ r: Range<Int>) {
        switch count {
        case 0: ranges.0 = r
        case 1: ranges.1 = r
        case 2: ranges.2 = r
        default: break
        }
        count += 1
    }

    /// The first word, if any.
    var first: Range<Int>? { count > 0 ? ranges.0 : nil }

    /// Word `i` (0, 1 or 2) of those the line has.
    subscript(i: Int) -> Range<Int> {
        precondition(i >= 0 && i < min(count, 3), "HeaderFields: no such word")
        return i == 0 ? ranges.0 : i == 1 ? ranges.1 : ranges.2
    }
}
