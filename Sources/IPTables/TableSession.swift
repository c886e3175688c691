import CXtables
import Glibc

/// One libiptc/libip6tc handle on one table: the only place that calls the library.
/// Operations return false on failure with the library's errno kept in `lastErrno`.
final class TableSession {
    let family: Family
    let table: String
    private let tc: shim_tc
    private(set) var handle: OpaquePointer
    /// errno as the last failing libiptc call left it.
    private(set) var lastErrno: Int32 = 0

    /// Opens the table, trying the modprobe program once as iptables does.
    /// Returns nil with errno set when the table cannot be initialised.
    static func open(family: Family, table: String) -> TableSession? {
        let tc = family.tc.pointee
        if let h = tc.open!(table) { return TableSession(family: family, table: table, tc: tc, handle: h) }
        let saved = errno
        if xtables_load_ko(xtables_modprobe_program, false) != -1, let h = tc.open!(table) {
            return TableSession(family: family, table: table, tc: tc, handle: h)
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

    /// Whether deinit frees the handle. A tool that exits right after its last table may
    /// skip it: freeing every rule of a large table is work the kernel does anyway at exit
    /// (iptables-legacy skips it too whenever a command fails).
    var freesHandle = true

    deinit { if freesHandle { tc.release!(handle) } }

    /// The library's text for an errno of its last call.
    func message(for err: Int32) -> String { String(cString: tc.strerror!(err)!) }

    /// Records a failure found by our own code (as iptables sets errno itself).
    func noteFailure(_ err: Int32) { lastErrno = err }

    /// Records errno after a libiptc call and passes its result on.
    private func ok(_ r: Int32) -> Bool {
        if r == 0 { lastErrno = errno }
        return r != 0
    }

    // MARK: - Reading

    /// Chain names in libiptc's order: built-ins in hook order, then user chains sorted.
    func chains() -> [String] {
        var out: [String] = []
        var c = tc.first_chain!(handle)
        while let name = c {
            out.append(String(cString: name))
            c = tc.next_chain!(handle)
        }
        return out
    }

    /// The rules of a chain in order (entry pointers valid until the table changes).
    func rules(of chain: String) -> [UnsafeRawPointer] {
        var out: [UnsafeRawPointer] = []
        var r = tc.first_rule!(chain, handle)
        while let e = r {
            out.append(e)
            r = tc.next_rule!(e, handle)
        }
        return out
    }


    func targetName(of entry: UnsafeRawPointer) -> String { String(cString: targetLabel(of: entry)) }
    /// libiptc's name of the rule's target: a verdict, a chain, an extension or "".
    func targetLabel(of entry: UnsafeRawPointer) -> UnsafePointer<CChar> { tc.get_target!(entry, handle)! }
    // MARK: - Which chains exist

    /// The built-in chains of this table. They carry hook names and no chain is ever made
    /// or renamed into one, so asking libiptc about the five hook names once is exact (a
    /// user chain may take a hook name its table lacks) and spares a lookup per chain.
    private lazy var builtinNames: [String] = TableSession.hookNames.filter { tc.builtin!($0, handle) > 0 }

    /// The names a built-in chain can have, one per netfilter hook.
    private static let hookNames = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]

    func isBuiltin(_ name: String) -> Bool {
        let length = name.utf8.count
        return builtinNames.contains { $0.utf8.count == length && $0 == name }
    }

    /// The chains that exist, mirrored here once many lookups have been made: each libiptc
    /// lookup walks its sorted chain list (cache misses on big tables), and restore asks for
    /// every rule and chain line. Kept exact by every create, delete and rename below.
    private var mirror: Set<String>?
    private var lookups = 0

    /// After this many lookups, building the mirror costs less than the lookups to come.
    private static let mirrorAfter = 64

    /// Builds the mirror once enough lookups have been made; whether it exists.
    private func mirrored() -> Bool {
        if mirror != nil { return true }
        lookups += 1
        guard lookups > TableSession.mirrorAfter else { return false }
        mirror = Set(chains())
        return true
    }

    func isChain(_ name: String) -> Bool {
        if mirrored() { return mirror!.contains(name) }
        return tc.is_chain!(name, handle) != 0
    }

    /// The policy and its counters of a built-in chain; nil for a user chain.
    func policy(of chain: String) -> (name: String, packets: UInt64, bytes: UInt64)? {
        var c = xt_counters()
        guard let p = tc.get_policy!(chain, &c, handle) else { return nil }
        return (String(cString: p), c.pcnt, c.bcnt)
    }

    func references(of chain: String) -> Int? {
        var refs: UInt32 = 0
        return tc.get_references!(&refs, chain, handle) != 0 ? Int(refs) : nil
    }

    // MARK: - Writing

    func append(_ chain: UnsafePointer<CChar>, _ e: UnsafeRawPointer) -> Bool { ok(tc.append!(chain, e, handle)) }
    func insert(_ chain: UnsafePointer<CChar>, _ e: UnsafeRawPointer, at index: UInt32) -> Bool { ok(tc.insert!(chain, e, index, handle)) }
    func replace(_ chain: UnsafePointer<CChar>, _ e: UnsafeRawPointer, at index: UInt32) -> Bool { ok(tc.replace!(chain, e, index, handle)) }
    func delete(_ chain: UnsafePointer<CChar>, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) -> Bool {
        ok(tc.delete_entry!(chain, e, mask, handle))
    }
    func check(_ chain: UnsafePointer<CChar>, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) -> Bool {
        ok(tc.check!(chain, e, mask, handle))
    }
    func deleteRule(_ chain: String, at index: UInt32) -> Bool { ok(tc.delete_num!(chain, index, handle)) }
    func flush(_ chain: String) -> Bool { ok(tc.flush!(chain, handle)) }
    func zero(_ chain: String) -> Bool { ok(tc.zero!(chain, handle)) }
    func zeroRule(_ chain: String, number: UInt32) -> Bool { ok(tc.zero_counter!(chain, number, handle)) }
    func createChain(_ chain: String) -> Bool {
        guard ok(tc.create_chain!(chain, handle)) else { return false }
        mirror?.insert(chain)
        return true
    }

    func deleteChain(_ chain: String) -> Bool {
        guard ok(tc.delete_chain!(chain, handle)) else { return false }
        mirror?.remove(chain)
        return true
    }
    /// Renames a user chain. libiptc 1.8.9 counts the chain being renamed twice while it
    /// re-indexes, and with 40k+1 user chains that leaves a NULL index bucket it then
    /// dereferences (fixed upstream in libiptc after 1.8.9). A placeholder chain held
    /// around the rename keeps the count off that value; nothing of it reaches the kernel.
    func renameChain(_ old: String, to new: String) -> Bool {
        let userChains = chains().reduce(0) { $0 + (isBuiltin($1) ? 0 : 1) }
        let placeholder = "~iptables-swift-rename~"
        let padded = userChains % 40 == 1 && tc.is_chain!(placeholder, handle) == 0
            && tc.create_chain!(placeholder, handle) != 0
        let renamed = ok(tc.rename_chain!(old, new, handle))
        let err = lastErrno
        if padded { _ = tc.delete_chain!(placeholder, handle) }
        lastErrno = err
        if renamed {
            mirror?.remove(old)
            mirror?.insert(new)
        }
        return renamed
    }
    func setPolicy(_ chain: String, _ policy: String, counters: (UInt64, UInt64)?) -> Bool {
        guard let (p, b) = counters else { return ok(tc.set_policy!(chain, policy, nil, handle)) }
        var c = xt_counters(pcnt: p, bcnt: b)
        return ok(tc.set_policy!(chain, policy, &c, handle))
    }

    /// libiptc's own dump of the table as it stands (what iptables -vv prints).
    func dump() { Out.flush(); tc.dump!(handle) }

    /// Sends the table to the kernel (a no-op when nothing changed).
    func commit() -> Bool { ok(tc.commit!(handle)) }
}
