import CXtables
import Glibc

/// A read-only look at the nf_tables backend (iptables-nft, nft) of one family, over
/// netlink in the calling process's network namespace. Nothing here writes to nf_tables,
/// and nothing asks at all when asking could load the nf_tables module.
enum NftablesBackend {
    /// The table names iptables-nft uses; an `ip`/`ip6` table of one of these names with a
    /// chain is taken for iptables-nft's.
    static let iptablesTableNames = Set(BuiltinChains.byTable.keys)

    /// One nf_tables table of the family and what it holds.
    struct Table: Equatable {
        var name: String
        var chains: Int
        var rules: Int
        /// Named like an iptables table and holding a chain: iptables-nft's work.
        var isIPTablesNft: Bool { NftablesBackend.iptablesTableNames.contains(name) && chains > 0 }
    }

    /// Whether a netlink question can be asked without loading a module: nf_tables is
    /// loaded (`/sys/module/nf_tables`), built into the kernel (modules.builtin), or the
    /// kernel loads no modules at all (a mounted /proc without /proc/modules). Where /proc
    /// is not mounted (a chroot) nothing is known, and nothing is asked.
    static var isPresent: Bool {
        if access("/sys/module/nf_tables", F_OK) == 0 { return true }
        if access("/proc/self", F_OK) == 0, access("/proc/modules", F_OK) != 0 { return true }
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        // A modular kernel without nf_tables loaded (the usual Debian host): one search of
        // the list of built-in modules (strstr, no lines split) on every -L, -S and save.
        guard var builtin = try? TextFile.bytes("/lib/modules/\(release)/modules.builtin") else { return false }
        builtin.append(0)
        return builtin.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { strstr($0, "/nf_tables.ko\n") != nil }
        }
    }

    /// Whether iptables-nft holds tables of the family; false when nf_tables is absent or
    /// cannot be asked (no permission, no netlink). One dump of the family's chains.
    /// -L, -S and save ask this at every run: the dump's text is walked in place, so the
    /// usual empty answer makes no string, array or set.
    static func holdsIPTablesTables(_ family: Family) -> Bool {
        guard isPresent else { return false }
        var count: Int32 = 0
        guard let text = shim_nft_dump(Int32(family.nfproto), 1, &count) else { return false }
        defer { free(text) }
        return anyObject(in: text) { table, _ in BuiltinChains.isTableName(table) }
    }

    /// The warning iptables-nft 1.8.9 gives about legacy tables, names swapped: when
    /// iptables-nft holds tables of the family, "# Warning: iptables-nft tables present, use
    /// iptables-nft to see them" (`-save` after the tool name for the save tools); nil otherwise.
    static func presenceWarning(_ family: Family, save: Bool) -> String? {
        guard holdsIPTablesTables(family) else { return nil }
        let tool = family.toolName + "-nft" + (save ? "-save" : "")
        return "# Warning: \(family.toolName)-nft tables present, use \(tool) to see them\n"
    }

    /// Every nf_tables table of the family with its chain and rule counts, sorted by name;
    /// nil when nf_tables is not present (asking would load it). Throws the netlink errno.
    static func inventory(_ family: Family) throws -> [Table]? {
        guard isPresent else { return nil }
        var tables: [String: Table] = [:]
        for object in try dump(family, kind: 0) { tables[object.table] = Table(name: object.table, chains: 0, rules: 0) }
        for object in try dump(family, kind: 1) { tables[object.table]?.chains += 1 }
        for object in try dump(family, kind: 2) { tables[object.table]?.rules += 1 }
        return tables.values.sorted { $0.name < $1.name }
    }

    /// One dump: kind 0 tables, 1 chains, 2 rules, each as its table and chain name.
    private static func dump(_ family: Family, kind: Int32) throws -> [Object] {
        var count: Int32 = 0
        guard let text = shim_nft_dump(Int32(family.nfproto), kind, &count) else {
            throw IPTablesError.kernel(errno: errno)
        }
        defer { free(text) }
        var objects: [Object] = []
        objects.reserveCapacity(Int(count))
        _ = anyObject(in: text) { table, chain in
            objects.append(Object(table: String(decoding: table, as: UTF8.self), chain: String(decoding: chain, as: UTF8.self)))
            return false
        }
        return objects
    }

    /// Walks a dump's text in place, one line an object ("table", or "table\tchain"; empty
    /// lines skipped), calling `body` with its table and chain bytes (the chain empty for a
    /// table) until it returns true; whether it did.
    static func anyObject(in text: UnsafePointer<CChar>,
                           _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var line = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
        while line.pointee != 0 {
            var tableEnd = line
            while tableEnd.pointee != 0 && tableEnd.pointee != 0x09 && tableEnd.pointee != 0x0A { tableEnd += 1 }
            var end = tableEnd
            while end.pointee != 0 && end.pointee != 0x0A { end += 1 }
            if end > line {
                let chainStart = tableEnd == end ? end : tableEnd + 1
                if body(UnsafeBufferPointer(start: line, count: tableEnd - line),
                        UnsafeBufferPointer(start: chainStart, count: end - chainStart)) { return true }
            }
            line = end.pointee == 0 ? end : end + 1
        }
        return false
    }

    /// One object of a dump: its table, and its chain (empty for a table).
    private struct Object {
        let table: String
        let chain: String
    }
}
