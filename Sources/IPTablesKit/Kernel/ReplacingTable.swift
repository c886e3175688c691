import Glibc

/// The table a flushing restore opens: answered from the kernel's blob (`BlobTable`) until
/// the first change, and through libiptc from then on. A restore that loads the rules the
/// table already holds (kube-proxy's resync) compares them with the blob and skips the
/// commit (`LazyReplace`), so it never pays for libiptc's chain cache; one that changes the
/// table reads it again through libiptc at its first change, under the same xtables lock.
///
/// Policies are the one change a replacing restore makes to every table (each built-in's
/// declaration sets one): while the blob answers, a policy libiptc would accept is kept
/// aside, answered by `policy(of:)`, and set on libiptc's copy when that copy is made.
final class ReplacingTable: TableSession {
    let family: Family
    let table: String
    let isKernelTable = true
    /// The kernel's blob, until `releaseBlob` (after the first change nothing reads it).
    private var blob: BlobTable?
    private var writer: LibiptcTable?
    /// Why libiptc's copy could not be made (asked once: each attempt reads the whole table).
    private var openFailure: Int32?
    /// Policies set while the blob answered, in order: chain, policy, counters.
    private var policies: [(chain: String, name: String, counters: (UInt64, UInt64)?)] = []

    var freesHandle = true {
        didSet {
            blob?.freesHandle = freesHandle
            writer?.freesHandle = freesHandle
        }
    }

    private init(blob: BlobTable) {
        self.blob = blob
        family = blob.family
        table = blob.table
    }

    /// Forgets the blob once libiptc's copy answers (its rules were copied out before the
    /// table was flushed): a changed table of 100k rules need not hold both until the commit.
    func releaseBlob() {
        if writer != nil { blob = nil }
    }

    /// The table read from the kernel; nil when the blob cannot be read or holds what only
    /// libiptc decodes (then the caller opens the table through libiptc as before).
    static func read(family: Family, table: String) -> ReplacingTable? {
        BlobTable.read(family: family, table: table).map(ReplacingTable.init(blob:))
    }

    /// libiptc's copy of the table, made at the first change, with the policies kept aside.
    private func writable() throws -> LibiptcTable {
        if let w = writer { return w }
        if let e = openFailure { throw IPTablesError.kernel(errno: e) }
        guard let w = LibiptcTable.open(family: family, table: table) else {
            openFailure = errno
            throw IPTablesError.kernel(errno: errno)
        }
        w.freesHandle = freesHandle
        writer = w
        let kept = policies
        policies = []
        for p in kept { try w.setPolicy(p.chain, p.name, counters: p.counters) }
        return w
    }

    /// The blob's layout of the rules, while the blob answers.
    var layout: RuleLayout? { writer == nil ? blob : nil }

    /// Who answers reads: libiptc's copy once it exists.
    private var reader: TableSession { writer ?? blob! }

    // MARK: - Reading

    func chains() -> [String] { reader.chains() }
    func rules(of chain: String) -> [UnsafeRawPointer] { reader.rules(of: chain) }

    /// Entries read from the blob keep their labels after libiptc's copy is made (restore
    /// copies the rules it matched from the blob before the table is flushed).
    func targetLabel(of entry: UnsafeRawPointer) -> UnsafePointer<CChar> {
        if let b = blob, writer == nil || b.holds(entry) { return b.targetLabel(of: entry) }
        return writer!.targetLabel(of: entry)
    }

    func isBuiltin(_ name: String) -> Bool { reader.isBuiltin(name) }
    func isChain(_ name: String) -> Bool { reader.isChain(name) }

    func policy(of chain: String) -> Policy? {
        if let p = policies.last(where: { $0.chain == chain }) {
            return Policy(name: p.name, packets: p.counters?.0 ?? 0, bytes: p.counters?.1 ?? 0)
        }
        return reader.policy(of: chain)
    }

    func references(of chain: String) -> Int? { reader.references(of: chain) }
    func message(for err: Int32) -> String { reader.message(for: err) }

    func check(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        try reader.check(chain, e, mask: mask)
    }

    // MARK: - Writing

    /// A policy on a built-in chain, ACCEPT or DROP, is what libiptc accepts without fail:
    /// kept aside while the blob answers. Anything else goes to libiptc for its own error.
    func setPolicy(_ chain: String, _ policy: String, counters: (UInt64, UInt64)?) throws {
        if writer == nil, policy == "ACCEPT" || policy == "DROP", reader.isBuiltin(chain) {
            policies.append((chain, policy, counters))
            return
        }
        try writable().setPolicy(chain, policy, counters: counters)
    }

    func append(_ chain: String, _ e: UnsafeRawPointer) throws { try writable().append(chain, e) }
    func insert(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws {
        try writable().insert(chain, e, at: index)
    }
    func replace(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws {
        try writable().replace(chain, e, at: index)
    }
    func delete(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        try writable().delete(chain, e, mask: mask)
    }
    func deleteRule(_ chain: String, at index: UInt32) throws { try writable().deleteRule(chain, at: index) }
    func flush(_ chain: String) throws { try writable().flush(chain) }
    func zero(_ chain: String) throws { try writable().zero(chain) }
    func zeroRule(_ chain: String, number: UInt32) throws { try writable().zeroRule(chain, number: number) }
    func createChain(_ chain: String) throws { try writable().createChain(chain) }
    func deleteChain(_ chain: String) throws { try writable().deleteChain(chain) }
    func renameChain(_ old: String, to new: String) throws { try writable().renameChain(old, to: new) }
    func dump(into out: inout LineWriter) throws { try writable().dump(into: &out) }
    func commit() throws { try writable().commit() }
}
