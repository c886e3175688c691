import CXtables
import Glibc

/// One table opened for reading and changing, as libiptc offers it: the command runner,
/// restore and the printers work on this protocol, so they run the same on the kernel's
/// table (`LibiptcTable`) and on one in memory (`MemoryTable`). Rules are encoded entries
/// (`ipt_entry`/`ip6t_entry`), valid until the table changes. Failures throw
/// `IPTablesError.kernel` with libiptc's errno; `message(for:)` gives its text.
protocol TableSession: AnyObject {
    var family: Family { get }
    var table: String { get }
    /// Chain names: built-ins in hook order, then user chains sorted (strcmp).
    func chains() -> [String]
    /// The same names one by one, with no array made (the listings use this: the first
    /// array of strings a run makes registers the standard library's array metadata, some
    /// 27,000 instructions, as much as `iptables -S` does itself on empty tables).
    func forEachChain(_ body: (String) throws -> Void) rethrows
    /// The rules of a chain in order.
    func rules(of chain: String) -> [UnsafeRawPointer]
    /// libiptc's name of a rule's target: a verdict, a chain, an extension or "".
    func targetLabel(of entry: UnsafeRawPointer) -> UnsafePointer<CChar>
    func isBuiltin(_ name: String) -> Bool
    func isChain(_ name: String) -> Bool
    /// The policy of a built-in chain; nil for a user chain.
    func policy(of chain: String) -> Policy?
    /// How many rules jump to a user chain; nil when it cannot be told.
    func references(of chain: String) -> Int?

    func append(_ chain: String, _ e: UnsafeRawPointer) throws
    func insert(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws
    func replace(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws
    func delete(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws
    func check(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws
    func deleteRule(_ chain: String, at index: UInt32) throws
    func flush(_ chain: String) throws
    func zero(_ chain: String) throws
    func zeroRule(_ chain: String, number: UInt32) throws
    func createChain(_ chain: String) throws
    func deleteChain(_ chain: String) throws
    func renameChain(_ old: String, to new: String) throws
    func setPolicy(_ chain: String, _ policy: String, counters: (UInt64, UInt64)?) throws
    /// Sends the table to the kernel (or to the memory store).
    func commit() throws
    /// libiptc's debugging dump of the table (what iptables -vv prints).
    func dump(into out: inout LineWriter) throws
    /// The text of a failure's errno, as libiptc words it for its last call.
    func message(for err: Int32) -> String
    /// Whether closing frees the table's memory (a tool about to exit may skip it).
    var freesHandle: Bool { get set }
    /// Whether this is the kernel's table (read through libiptc or straight from the
    /// kernel), not one in memory.
    var isKernelTable: Bool { get }
}

extension TableSession {
    /// Tables are in memory unless they say otherwise.
    var isKernelTable: Bool { false }

    func forEachChain(_ body: (String) throws -> Void) rethrows {
        for name in chains() { try body(name) }
    }

    /// The target label as a String.
    func targetName(of entry: UnsafeRawPointer) -> String { String(cString: targetLabel(of: entry)) }
}

/// Where a tool gets its tables: the kernel through libiptc, or an in-memory store.
protocol TableProvider: AnyObject {
    /// Opens a table; throws as iptables reports a table it cannot initialise.
    func open(family: Family, table: String) throws -> TableSession
    /// The tables that exist now, in the kernel's order (what iptables-save lists).
    func loadedTables(family: Family) throws -> [String]
    /// Whether writes need the xtables lock (the kernel's tables do; memory ones do not).
    var needsLock: Bool { get }
    /// Opens a table for a command that only reads it (listing, saving).
    func openForReading(family: Family, table: String) throws -> TableSession
    /// Opens a table a flushing restore replaces: read as it is until its first change.
    func openForReplacing(family: Family, table: String) throws -> TableSession
}

extension TableProvider {
    /// By default the same as `open`.
    func openForReading(family: Family, table: String) throws -> TableSession {
        try open(family: family, table: table)
    }

    /// By default the same as `open`.
    func openForReplacing(family: Family, table: String) throws -> TableSession {
        try open(family: family, table: table)
    }
}

/// One libiptc/libip6tc handle on one table: the only place that calls the library.
final class LibiptcTable: TableSession {
    let family: Family
    let table: String
    private let tc: shim_tc
    private(set) var handle: OpaquePointer

    /// Opens the table, trying the modprobe program once as iptables does.
    /// Returns nil with errno set when the table cannot be initialised.
    static func open(family: Family, table: String) -> LibiptcTable? {
        let tc = family.tc.pointee
        if let h = tc.open(table) { return LibiptcTable(family: family, table: table, tc: tc, handle: h) }
        let saved = errno
        if xtables_load_ko(xtables_modprobe_program, false) != -1, let h = tc.open(table) {
            return LibiptcTable(family: family, table: table, tc: tc, handle: h)
        }
        errno = saved
        return nil
    }

    private init(family: Family, table: String, tc: shim_tc, handle: OpaquePointer) {
        self.family = family
        self.table = table
        self.tc = tc
        self.handle = handle
    }

    let isKernelTable = true

    /// Whether deinit frees the handle. A tool that exits right after its last table may
    /// skip it: freeing every rule of a large table is work the kernel does anyway at exit
    /// (iptables-legacy skips it too whenever a command fails).
    var freesHandle = true

    /// Handles a tool left to the process exit, newest first, kept reachable: memory
    /// checkers then count them as still in use at exit, not lost. (A restore leaves every
    /// table it committed. A list of nodes, not an array: no generic metadata at exit.)
    private final class LeftToExit {
        let handle: OpaquePointer
        let tc: shim_tc
        let next: LeftToExit?
        let count: Int

        init(handle: OpaquePointer, tc: shim_tc, next: LeftToExit?) {
            self.handle = handle
            self.tc = tc
            self.next = next
            count = (next?.count ?? 0) + 1
        }
    }

    /// At most this many handles wait for the exit (a restore of many blocks frees the
    /// older ones rather than hold every table it ever read).
    private static let leftToExitLimit = 8
    private static var leftToExit: LeftToExit?

    deinit {
        guard !freesHandle else { return tc.release(handle) }
        if let kept = LibiptcTable.leftToExit, kept.count >= LibiptcTable.leftToExitLimit {
            var node: LeftToExit? = kept
            while let n = node {
                n.tc.release(n.handle)
                node = n.next
            }
            LibiptcTable.leftToExit = nil
        }
        LibiptcTable.leftToExit = LeftToExit(handle: handle, tc: tc, next: LibiptcTable.leftToExit)
    }

    /// The library's text for an errno of its last call.
    func message(for err: Int32) -> String { String(cString: tc.strerror(err)) }

    /// Throws libiptc's errno when a call failed.
    private func ok(_ r: Int32) throws {
        if r == 0 { throw IPTablesError.kernel(errno: errno) }
    }

    // MARK: - Reading

    /// Chain names in libiptc's order: built-ins in hook order, then user chains sorted.
    func chains() -> [String] {
        var out: [String] = []
        var c = tc.first_chain(handle)
        while let name = c {
            out.append(String(cString: name))
            c = tc.next_chain(handle)
        }
        return out
    }

    /// The rules of a chain in order (entry pointers valid until the table changes).
    func rules(of chain: String) -> [UnsafeRawPointer] {
        var out: [UnsafeRawPointer] = []
        var r = chain.withCString { tc.first_rule($0, handle) }
        while let e = r {
            out.append(e)
            r = tc.next_rule(e, handle)
        }
        return out
    }


    /// libiptc's name of the rule's target: a verdict, a chain, an extension or "".
    func targetLabel(of entry: UnsafeRawPointer) -> UnsafePointer<CChar> { tc.get_target(entry, handle) }
    // MARK: - Which chains exist

    /// One bit per hook (BuiltinChains.name(ofHook:)) whose built-in chain this table has.
    /// Built-in chains carry hook names and no chain is ever made or renamed into one, so
    /// asking libiptc about the five hook names once is exact (a user chain may take a hook
    /// name its table lacks) and spares a lookup per chain.
    private lazy var builtinHooks: UInt8 = {
        var hooks: UInt8 = 0
        for hook in 0..<BuiltinChains.hookCount {
            // A static string's bytes end in a NUL in the binary: a C string as it is.
            let name = UnsafeRawPointer(BuiltinChains.name(ofHook: hook).utf8Start).assumingMemoryBound(to: CChar.self)
            if tc.builtin(name, handle) > 0 { hooks |= 1 << hook }
        }
        return hooks
    }()

    func isBuiltin(_ name: String) -> Bool {
        let length = name.utf8.count
        guard length <= 11 else { return false }  // POSTROUTING, the longest hook name
        for hook in 0..<BuiltinChains.hookCount where builtinHooks & (1 << hook) != 0 {
            let builtin = BuiltinChains.name(ofHook: hook)
            if builtin.utf8CodeUnitCount == length
                && name.utf8.elementsEqual(UnsafeBufferPointer(start: builtin.utf8Start, count: length)) {
                return true
            }
        }
        return false
    }

    /// The chains that exist, mirrored here once many lookups have been made: each libiptc
    /// lookup walks its sorted chain list (cache misses on big tables), and restore asks for
    /// every rule and chain line. Kept exact by every create, delete and rename below.
    private var mirror: NameTable?
    private var lookups = 0
    /// Whether a chain of the mirror is named like a verdict (ACCEPT, DROP, QUEUE, RETURN):
    /// libiptc creates no such chain, but a table written by another tool could hold one.
    /// While none does, asking about a verdict (most rules' target) needs no lookup.
    private var mirrorHoldsVerdict = false

    /// After this many lookups, building the mirror costs less than the lookups to come.
    private static let mirrorAfter = 64

    /// Builds the mirror once enough lookups have been made; whether it exists.
    private func mirrored() -> Bool {
        if mirror != nil { return true }
        lookups += 1
        guard lookups > LibiptcTable.mirrorAfter else { return false }
        // Straight from libiptc's C names: no String is made of tens of thousands of chains.
        let m = NameTable()
        var c = tc.first_chain(handle)
        while let name = c {
            m.updateValue(0, forCName: name)
            if !mirrorHoldsVerdict && Names.isVerdict(cName: name) { mirrorHoldsVerdict = true }
            c = tc.next_chain(handle)
        }
        mirror = m
        return true
    }

    func isChain(_ name: String) -> Bool {
        if mirrored() {
            if !mirrorHoldsVerdict && Names.isVerdict(name) { return false }
            return mirror!.contains(name)
        }
        return name.withCString { tc.is_chain($0, handle) } != 0
    }

    /// The policy and its counters of a built-in chain; nil for a user chain.
    func policy(of chain: String) -> Policy? {
        var c = xt_counters()
        guard let p = chain.withCString({ tc.get_policy($0, &c, handle) }) else { return nil }
        return Policy(name: String(cString: p), packets: c.pcnt, bytes: c.bcnt)
    }

    func references(of chain: String) -> Int? {
        var refs: UInt32 = 0
        return tc.get_references(&refs, chain, handle) != 0 ? Int(refs) : nil
    }

    // MARK: - Writing

    // The libiptc calls below take C strings: a String handed to a C function pointer would
    // be copied into a new array for every call, so each borrows the String's own bytes.
    func append(_ chain: String, _ e: UnsafeRawPointer) throws { try ok(chain.withCString { tc.append($0, e, handle) }) }
    func insert(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws {
        try ok(chain.withCString { tc.insert($0, e, index, handle) })
    }
    func replace(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws {
        try ok(chain.withCString { tc.replace($0, e, index, handle) })
    }
    func delete(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        try ok(chain.withCString { tc.delete_entry($0, e, mask, handle) })
    }
    func check(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        try ok(chain.withCString { tc.check($0, e, mask, handle) })
    }
    func deleteRule(_ chain: String, at index: UInt32) throws { try ok(tc.delete_num(chain, index, handle)) }
    func flush(_ chain: String) throws { try ok(chain.withCString { tc.flush($0, handle) }) }
    func zero(_ chain: String) throws { try ok(tc.zero(chain, handle)) }
    func zeroRule(_ chain: String, number: UInt32) throws { try ok(tc.zero_counter(chain, number, handle)) }

    func createChain(_ chain: String) throws {
        try ok(chain.withCString { tc.create_chain($0, handle) })
        mirrorInsert(chain)
    }

    func deleteChain(_ chain: String) throws {
        try ok(chain.withCString { tc.delete_chain($0, handle) })
        mirror?.remove(chain)
    }

    /// Renames a user chain. libiptc 1.8.9 counts the chain being renamed twice while it
    /// re-indexes, and with 40k+1 user chains that leaves a NULL index bucket it then
    /// dereferences (fixed upstream in libiptc after 1.8.9). A placeholder chain held
    /// around the rename keeps the count off that value; nothing of it reaches the kernel.
    func renameChain(_ old: String, to new: String) throws {
        let userChains = chains().reduce(0) { $0 + (isBuiltin($1) ? 0 : 1) }
        let placeholder = "~iptables-swift-rename~"
        let padded = userChains % 40 == 1 && tc.is_chain(placeholder, handle) == 0
            && tc.create_chain(placeholder, handle) != 0
        let renamed = tc.rename_chain(old, new, handle)
        let err = errno
        if padded { _ = tc.delete_chain(placeholder, handle) }
        if renamed == 0 { throw IPTablesError.kernel(errno: err) }
        mirror?.remove(old)
        mirrorInsert(new)
    }

    /// Records a chain libiptc now holds.
    private func mirrorInsert(_ chain: String) {
        guard let m = mirror else { return }
        m.insert(chain)
        if Names.isVerdict(chain) { mirrorHoldsVerdict = true }
    }

    func setPolicy(_ chain: String, _ policy: String, counters: (UInt64, UInt64)?) throws {
        guard let (p, b) = counters else { return try ok(tc.set_policy(chain, policy, nil, handle)) }
        var c = xt_counters(pcnt: p, bcnt: b)
        try ok(tc.set_policy(chain, policy, &c, handle))
    }

    func dump(into out: inout LineWriter) throws {
        try ExtensionPrinter.run(into: &out) { tc.dump(handle); return 0 }
    }

    func commit() throws { try ok(tc.commit(handle)) }
}

/// The kernel's tables, through libiptc.
final class KernelTables: TableProvider {
    /// Whether writers take the xtables lock (a check in a private namespace does not).
    private let locking: Bool

    init(locking: Bool = true) { self.locking = locking }

    func open(family: Family, table: String) throws -> TableSession {
        if let s = LibiptcTable.open(family: family, table: table) { return s }
        let err = errno
        throw IPTablesError.kernel(errno: err, message: String(cString: family.tc.pointee.strerror(err)))
    }

    /// Read straight from the kernel and decoded in place (`BlobTable`), or through libiptc
    /// when the blob holds what only libiptc handles, or when reading fails (libiptc then
    /// fails the same way, with its own words, after trying modprobe as iptables does).
    func openForReading(family: Family, table: String) throws -> TableSession {
        if let t = BlobTable.read(family: family, table: table) { return t }
        return try open(family: family, table: table)
    }

    /// Read straight from the kernel until the restore changes it (`ReplacingTable`), or
    /// through libiptc from the start as `openForReading` falls back.
    func openForReplacing(family: Family, table: String) throws -> TableSession {
        if let t = ReplacingTable.read(family: family, table: table) { return t }
        return try open(family: family, table: table)
    }

    /// The tables the kernel has loaded; none when the file does not exist.
    func loadedTables(family: Family) throws -> [String] {
        guard let f = fopen(family.tableNamesFile, "re") else {
            if errno == ENOENT { return [] }
            throw IPTablesError(.other, "Failed to list table names in \(family.tableNamesFile): \(String(cString: strerror(errno)))\n", style: .plain)
        }
        defer { fclose(f) }
        var names: [String] = []
        var buf = [CChar](repeating: 0, count: 33)
        while fgets(&buf, 33, f) != nil {
            let line = String(cString: buf)
            guard line.hasSuffix("\n") else { throw IPTablesError(.other, "Badly formed tablename `\(line)'") }
            names.append(String(line.dropLast()))
        }
        return names
    }

    var needsLock: Bool { locking }
}

extension Family {
    /// The libiptc or libip6tc function table.
    var tc: UnsafePointer<shim_tc> { shim_tc_for(nfproto) }
}
