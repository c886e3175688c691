import CXtables
import Glibc

/// A table read straight from the kernel (GET_INFO + GET_ENTRIES) and decoded in place, as
/// libiptc's parse would see it, for the commands that only read (-L, -S, -C, save): no chain
/// cache is built, nothing is copied per rule. -C is answered here too. Writing throws; the
/// tools open such a table only for commands that never write.
///
/// The decoding mirrors libiptc 1.8.9's: a chain starts at a hook entry (a built-in, named
/// by its hook) or at an ERROR entry (a user chain, named by the error text); every chain's
/// last entry is its policy (built-ins: verdict and counters) or its hidden RETURN, not a
/// rule; the ERROR entry that ends the blob ends the table. A standard target's verdict is
/// a built-in verdict (negative), a fall-through (the next entry's offset: labelled "") or
/// a jump to the chain whose entries hold that offset (labelled by its name, counted in
/// its references). Built-ins come in blob order, user chains sorted by strcmp. Anything
/// libiptc would refuse or treat otherwise makes `decode` fail (`read` returns nil), and the
/// caller reads the table through libiptc instead.
final class BlobTable: TableSession, RuleLayout {
    let family: Family
    let table: String
    var freesHandle = true
    let isKernelTable = true

    /// One chain: its name (a C string inside the blob for user chains, static for
    /// built-ins), its rules as a range of `rules`, its offsets and what libiptc keeps of it.
    private struct Chain {
        var name: UnsafePointer<CChar>
        var hook: Int?            // a built-in's hook number
        var first = 0             // into `rules`
        var count = 0
        var headOffset: UInt32
        /// Where its first entry after the head is: what a jump to it names.
        var entryOffset: UInt32
        var footOffset: UInt32
        var policyVerdict: Int32 = 0
        var policyPackets: UInt64 = 0
        var policyBytes: UInt64 = 0
        var references = 0
    }

    private let block: UnsafeMutableRawPointer
    private let base: UnsafeRawPointer
    /// The blob's size, from GET_INFO.
    private var size: UInt32 = 0
    /// Jumps waiting for their chain's name.
    private var jumps = UnmanagedList<Jump>()

    // Structs rather than tuples in arrays: an array of tuples has its type metadata built
    // at run time from a mangled name, tens of thousands of instructions at every start.

    /// A rule that jumps (its index in `rules`) and the offset it jumps to.
    private struct Jump {
        let rule: Int
        let target: UInt32
    }

    /// A valid hook's entry offset.
    private struct HookStart {
        let offset: UInt32
        let hook: Int
    }

    /// A user chain's entry offset and its index in the chain list.
    private struct OffsetChain {
        let offset: UInt32
        let chain: Int
    }
    // Lists of plain memory, not arrays (see UnmanagedList), freed in deinit.
    private var chainList = UnmanagedList<Chain>()
    private var rules = UnmanagedList<UnsafeRawPointer>()
    /// Each rule's label (verdict, chain name, extension or ""), parallel to `rules`.
    private var labels = UnmanagedList<RuleLabel>()
    private lazy var names: [String] = chainList.map { String(cString: $0.name) }
    /// Where the last chain lookup was.
    private var cursor = 0
    /// Whether a user chain came after one whose name sorts after (or equals) its own.
    private var usersOutOfOrder = false

    /// A built-in verdict's name (libiptc's standard_target_map); nil for one it aborts on.
    private static func verdictName(_ verdict: Int32) -> StaticString? {
        switch verdict {
        case -2: return "ACCEPT"      // -NF_ACCEPT - 1
        case -1: return "DROP"        // -NF_DROP - 1
        case -4: return "QUEUE"       // -NF_QUEUE - 1
        case -5: return "RETURN"      // XT_RETURN
        default: return nil
        }
    }

    private static let empty: StaticString = ""

    private init(family: Family, table: String, block: UnsafeMutableRawPointer, base: UnsafeRawPointer) {
        self.family = family
        self.table = table
        self.block = block
        self.base = base
    }

    deinit {
        free(block)
        chainList.deallocate()
        rules.deallocate()
        labels.deallocate()
        jumps.deallocate()
    }

    /// Reads and decodes a table; nil (errno set when reading failed) when the kernel
    /// refuses or the blob holds something this decoder leaves to libiptc.
    static func read(family: Family, table: String) -> BlobTable? {
        var info = shim_table_info()
        guard let block = shim_table_read(family.nfproto, table, &info), let entries = info.entries else { return nil }
        let t = BlobTable(family: family, table: table, block: block, base: UnsafeRawPointer(entries))
        guard t.decode(info) else {
            errno = 0
            return nil
        }
        return t
    }

    private static func text(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    // MARK: - Decoding

    /// The rules and labels being written by the walk: two buffers of the entry count's
    /// capacity (every rule is an entry), filled side by side.
    private struct Filling {
        let rules: UnsafeMutablePointer<UnsafeRawPointer>
        let labels: UnsafeMutablePointer<RuleLabel>
        let capacity: Int
        var count = 0
    }

    /// Decodes the blob into `rules` and `labels` (built in place, not appended to one by one),
    /// names the jumps and checks the chain names; false when libiptc should read it instead.
    private func decode(_ info: shim_table_info) -> Bool {
        let capacity = Int(info.num_entries)
        var filled = 0, ok = false
        rules.fill(capacity: capacity) { r in
            labels.fill(capacity: capacity) { l in
                var out = Filling(rules: r, labels: l, capacity: capacity)
                ok = walk(info, &out)
                filled = ok ? out.count : 0
                return filled
            }
            return filled
        }
        return ok && resolve() && namesAreUnique()
    }

    /// Walks the entries once: chains, their rules (into `out`) and policies, jumps to name.
    private func walk(_ info: shim_table_info, _ out: inout Filling) -> Bool {
        size = info.size
        var offset: UInt32 = 0
        var current: Chain?
        var sawUserChain = false
        var facts = shim_entry_facts()
        let none = BlobTable.text(BlobTable.empty)
        guard let hooks = HookStarts(info) else { return false }
        var nextHook = 0
        // A user chain takes two entries at least (its head and its end), a built-in one:
        // reserved (untouched pages cost nothing), the list never moves as it grows.
        chainList.reserveCapacity(Int(info.num_entries) / 2 + 5)
        // The last entry decoded: a chain's policy or hidden RETURN when the next one starts
        // another chain (close takes it from here rather than decoding it again).
        var previous = (kind: Int32(-1), facts: shim_entry_facts())
        while offset < size {
            let e = base + Int(offset)
            let kind = shim_entry_decode(family.nfproto, e, Int(size - offset), &facts)
            guard kind >= 0, facts.next_offset > 0, facts.next_offset <= size - offset else { return false }
            let atHook = nextHook < hooks.count && hooks[nextHook].offset == offset
            if kind == Int32(SHIM_ENTRY_ERROR) {
                guard !atHook, close(&current, last: previous, &out) else { return false }  // libiptc would skip that hook
                if facts.next_offset == size - offset { return nextHook == hooks.count }
                guard let name = facts.error_name else { return false }
                current = Chain(name: name, hook: nil, first: out.count, headOffset: offset,
                                entryOffset: offset + facts.next_offset, footOffset: offset)
                sawUserChain = true
            } else {
                if atHook {
                    let hook = hooks[nextHook].hook
                    nextHook += 1
                    guard !sawUserChain, close(&current, last: previous, &out) else { return false }  // libiptc would append it after them
                    current = Chain(name: BlobTable.text(BuiltinChains.name(ofHook: hook)), hook: hook, first: out.count,
                                    headOffset: offset, entryOffset: offset, footOffset: offset)
                }
                guard current != nil else { return false }
                let label: UnsafePointer<CChar>
                if kind == Int32(SHIM_ENTRY_STANDARD) {
                    if facts.verdict < 0 {
                        guard let v = BlobTable.verdictName(facts.verdict) else { return false }
                        label = BlobTable.text(v)
                    } else if UInt32(facts.verdict) == offset + facts.next_offset {
                        label = none
                    } else {
                        label = none  // named once the chain is known
                        // Reserved at the first (a table without jumps, as an empty one,
                        // never makes the array, nor its type's metadata).
                        if jumps.isEmpty { jumps.reserveCapacity(Int(info.num_entries)) }
                        jumps.append(Jump(rule: out.count, target: UInt32(facts.verdict)))
                    }
                } else {
                    guard let name = facts.target_name else { return false }
                    label = name
                }
                guard out.count < out.capacity else { return false }  // more rules than GET_INFO said
                out.rules[out.count] = e
                out.labels[out.count] = RuleLabel(text: label)
                out.count += 1
                current!.count += 1
                current!.footOffset = offset
            }
            previous = (kind, facts)
            offset += facts.next_offset
        }
        return false  // no ERROR entry at the end
    }

    /// Whether every chain name is used once (libiptc's lookups would pick one of two).
    private func namesAreUnique() -> Bool {
        let builtins = chainList.prefix { $0.hook != nil }
        let users = chainList.dropFirst(builtins.count)
        // User chains that all came in strictly ascending order have distinct names.
        if usersOutOfOrder {
            for (a, b) in zip(users, users.dropFirst()) where strcmp(a.name, b.name) == 0 { return false }
        }
        // A user chain named as a built-in: the first byte rules out almost all at once.
        for u in users where builtins.contains(where: { $0.name.pointee == u.name.pointee && strcmp($0.name, u.name) == 0 }) {
            return false
        }
        return true
    }

    /// The valid hooks' entry offsets in blob order (at most five, kept inline: no array
    /// type made at start for them).
    private struct HookStarts {
        private var storage: (HookStart, HookStart, HookStart, HookStart, HookStart)
        private(set) var count = 0

        /// nil when two hooks share an offset (left to libiptc).
        init?(_ info: shim_table_info) {
            let blank = HookStart(offset: 0, hook: 0)
            storage = (blank, blank, blank, blank, blank)
            for hook in 0..<5 where info.valid_hooks & (1 << UInt32(hook)) != 0 {
                let offset = withUnsafeBytes(of: info.hook_entry) { $0.load(fromByteOffset: hook * 4, as: UInt32.self) }
                // Insertion by offset; an equal one before it is a shared offset.
                var at = count
                while at > 0 && self[at - 1].offset > offset {
                    self[at] = self[at - 1]
                    at -= 1
                }
                if at > 0 && self[at - 1].offset == offset { return nil }
                self[at] = HookStart(offset: offset, hook: hook)
                count += 1
            }
        }

        subscript(i: Int) -> HookStart {
            get {
                precondition(i >= 0 && i < 5)
                return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: i * MemoryLayout<HookStart>.stride, as: HookStart.self) }
            }
            set {
                precondition(i >= 0 && i < 5)
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: i * MemoryLayout<HookStart>.stride, as: HookStart.self) }
            }
        }
    }

    /// Ends a chain: its last entry (`last`, the entry decoded just before) is its policy or
    /// hidden RETURN, not a rule.
    private func close(_ chain: inout Chain?, last decoded: (kind: Int32, facts: shim_entry_facts),
                       _ out: inout Filling) -> Bool {
        guard chain != nil else { return true }
        guard chain!.count > 0, decoded.kind == Int32(SHIM_ENTRY_STANDARD) else { return false }
        let facts = decoded.facts
        // A built-in's policy is a verdict (libiptc aborts on another); a user chain's last
        // entry may be anything standard, and is dropped with whatever it jumped to.
        if chain!.hook != nil && BlobTable.verdictName(facts.verdict) == nil { return false }
        if jumps.last?.rule == chain!.first + chain!.count - 1 { jumps.removeLast() }
        chain!.policyVerdict = Int32(facts.verdict)
        chain!.policyPackets = facts.packets
        chain!.policyBytes = facts.bytes
        chain!.count -= 1
        out.count -= 1
        insert(chain!)
        chain = nil
        return true
    }

    /// Adds a chain where libiptc's list has it: built-ins last so far, user chains sorted.
    /// (libiptc writes user chains in that order, so they almost always just go last.)
    private func insert(_ c: Chain) {
        guard c.hook == nil, let last = chainList.last?.name, chainList.last?.hook == nil,
              strcmp(c.name, last) <= 0 else {
            return chainList.append(c)
        }
        usersOutOfOrder = true
        let at = chainList.firstIndex { $0.hook == nil && strcmp($0.name, c.name) > 0 } ?? chainList.count
        chainList.insert(c, at: at)
    }

    /// Names each jump by the chain whose entries hold its offset, and counts references.
    /// libiptc points a jump at the chain's first entry after its head: that offset is
    /// looked up in a hash of the user chains' entry offsets; any other offset is searched
    /// for among the chains' ranges.
    private func resolve() -> Bool {
        guard !jumps.isEmpty else { return true }
        var starts: OffsetIndex?  // made at the first jump the hint below does not answer
        var ranges: ChainRanges?
        let chains = chainList.buffer, labels = labels.buffer
        // Jumps often go to the chain after the previous one's (a dispatch chain
        // jumping to each in turn): that one is tried first.
        var next = 0
        for j in jumps {
            var found: Int?
            if next < chains.count && chains[next].entryOffset == j.target {
                found = next
            } else {
                if starts == nil {
                    starts = OffsetIndex(chains.indices.filter { chains[$0].hook == nil }.map { OffsetChain(offset: chains[$0].entryOffset, chain: $0) })
                }
                found = starts!.find(j.target)
            }
            if found == nil {
                if ranges == nil { ranges = ChainRanges(chains) }
                found = ranges!.chain(holding: j.target)
            }
            guard let i = found, chains[i].hook == nil else { return false }
            labels[j.rule] = RuleLabel(text: chains[i].name)
            chains[i].references += 1
            next = i + 1
        }
        return true
    }

    /// The chains' entry ranges sorted by offset, to find the chain holding any offset.
    private struct ChainRanges {
        var heads: [UInt32] = [], feet: [UInt32] = [], byHead: [Int] = []

        init(_ chains: UnsafeMutableBufferPointer<Chain>) {
            // libiptc writes chains in offset order already; the sort is for other writers.
            byHead = Array(chains.indices)
            if zip(chains, chains.dropFirst()).contains(where: { $0.headOffset >= $1.headOffset }) {
                byHead.sort { chains[$0].headOffset < chains[$1].headOffset }
            }
            heads = byHead.map { chains[$0].headOffset }
            feet = byHead.map { chains[$0].footOffset }
        }

        /// The index (in the chain list) of the chain whose entries hold `target`.
        func chain(holding target: UInt32) -> Int? {
            var lo = 0, hi = heads.count - 1
            while lo <= hi {
                let mid = (lo + hi) / 2
                if target < heads[mid] { hi = mid - 1 } else if target > feet[mid] { lo = mid + 1 } else { return byHead[mid] }
            }
            return nil
        }
    }

    /// An open-addressing hash from an entry offset to a chain index.
    private struct OffsetIndex {
        private var keys: [UInt32]
        private var values: [Int32]
        private let mask: Int

        init(_ pairs: [OffsetChain]) {
            var size = 16
            while size < 2 * pairs.count { size *= 2 }
            mask = size - 1
            keys = [UInt32](repeating: 0, count: size)
            values = [Int32](repeating: -1, count: size)
            for pair in pairs {
                let key = pair.offset, value = pair.chain
                var slot = OffsetIndex.slot(key, mask)
                while values[slot] >= 0 && keys[slot] != key { slot = (slot + 1) & mask }
                if values[slot] < 0 {
                    keys[slot] = key
                    values[slot] = Int32(value)
                }
            }
        }

        private static func slot(_ key: UInt32, _ mask: Int) -> Int {
            Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
        }

        /// The chain index stored for `key`, if any.
        func find(_ key: UInt32) -> Int? {
            var slot = OffsetIndex.slot(key, mask)
            while values[slot] >= 0 {
                if keys[slot] == key { return Int(values[slot]) }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    // MARK: - Reading

    func chains() -> [String] { names }

    /// A few chains are named one by one (no array); many through the list kept for
    /// `chains()`, so each name is made once however often the listing walks them.
    func forEachChain(_ body: (String) throws -> Void) rethrows {
        if chainList.count > 64 {
            for name in names { try body(name) }
            return
        }
        for i in 0..<chainList.count { try body(String(cString: chainList[i].name)) }
    }

    /// A chain by name: the one last asked or the one after it (tools walk the chains in
    /// order, asking several things of each), then through `slots` once many lookups were
    /// made on a big table, else a built-in or a binary search of the user chains, which
    /// are sorted by strcmp.
    private func chainIndex(_ name: String) -> Int? {
        name.withCString { n -> Int? in
            if cursor < chainList.count, strcmp(chainList[cursor].name, n) == 0 { return cursor }
            if cursor + 1 < chainList.count, strcmp(chainList[cursor + 1].name, n) == 0 {
                cursor += 1
                return cursor
            }
            if chainList.count > BlobTable.hashedAbove {
                // A few lookups (-C, -L CHAIN) search; many (a restore) pay for the table once.
                hashedLookups += 1
                if hashedLookups > BlobTable.hashAfter {
                    let found = hashedIndex(n)
                    if let found { cursor = found }
                    return found
                }
            }
            var lo = 0
            while lo < chainList.count, chainList[lo].hook != nil {
                if strcmp(chainList[lo].name, n) == 0 { return lo }
                lo += 1
            }
            var hi = chainList.count - 1
            while lo <= hi {
                let mid = (lo + hi) / 2
                let order = strcmp(chainList[mid].name, n)
                if order == 0 {
                    cursor = mid
                    return mid
                }
                if order < 0 { lo = mid + 1 } else { hi = mid - 1 }
            }
            return nil
        }
    }

    /// Above this many chains, names are found through `slots` rather than by binary search
    /// (tens of thousands of names spread over the blob cost a cache miss per comparison),
    /// once more than `hashAfter` lookups missed the cursor: building `slots` reads every name.
    private static let hashedAbove = 256
    private static let hashAfter = 64
    private var hashedLookups = 0

    /// The chains in an open-addressed table keyed by `nameHash`: each slot holds the
    /// hash's low 32 bits and the chain's index plus one (0: empty), so a probe reads a
    /// name only when its hash matches. Built at the first lookup; a power of two long.
    private lazy var slots: [(hash: UInt32, chain: Int32)] = {
        let wanted = max(16, chainList.count * 2)
        var table = [(hash: UInt32, chain: Int32)](repeating: (0, 0), count: 1 << (Int.bitWidth - (wanted - 1).leadingZeroBitCount))
        let mask = table.count - 1
        for (i, c) in chainList.enumerated() {
            let h = BlobTable.nameHash(c.name)
            var at = Int(truncatingIfNeeded: h) & mask
            while table[at].chain != 0 { at = (at + 1) & mask }
            table[at] = (UInt32(truncatingIfNeeded: h), Int32(i + 1))
        }
        return table
    }()

    /// The stable hash of a C string (no String is made for it).
    private static func nameHash(_ name: UnsafePointer<CChar>) -> UInt64 {
        name.withMemoryRebound(to: UInt8.self, capacity: 1) {
            StableHash.fnv1a64(UnsafeBufferPointer(start: $0, count: strlen(name)))
        }
    }

    /// A chain by name through `slots`.
    private func hashedIndex(_ name: UnsafePointer<CChar>) -> Int? {
        let h = BlobTable.nameHash(name)
        let low = UInt32(truncatingIfNeeded: h)
        let mask = slots.count - 1
        var at = Int(truncatingIfNeeded: h) & mask
        while slots[at].chain != 0 {
            let i = Int(slots[at].chain) - 1
            if slots[at].hash == low, strcmp(chainList[i].name, name) == 0 { return i }
            at = (at + 1) & mask
        }
        return nil
    }

    func rules(of chain: String) -> [UnsafeRawPointer] {
        guard let i = chainIndex(chain) else { return [] }
        let c = chainList[i]
        return Array(rules[c.first..<(c.first + c.count)])
    }

    /// Where the last label was found: printers ask rule after rule.
    private var lastLabel = -1

    /// The label of a rule: the one after the last asked, or found by binary search,
    /// `rules` being in blob order.
    func targetLabel(of entry: UnsafeRawPointer) -> UnsafePointer<CChar> {
        let next = lastLabel + 1
        if next < rules.count, rules[next] == entry {
            lastLabel = next
            return labels[next].text
        }
        var lo = 0, hi = rules.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if rules[mid] == entry {
                lastLabel = mid
                return labels[mid].text
            }
            if rules[mid] < entry { lo = mid + 1 } else { hi = mid - 1 }
        }
        return BlobTable.text(BlobTable.empty)
    }

    // MARK: - RuleLayout

    var allRules: [UnsafeRawPointer] { Array(rules) }
    var allLabels: [RuleLabel] { Array(labels) }

    func ruleRange(ofChainAt i: Int) -> Range<Int> { chainList[i].first..<(chainList[i].first + chainList[i].count) }

    func chainPosition(_ name: String) -> Int? { chainIndex(name) }

    /// Whether an entry lies in this table's blob.
    func holds(_ entry: UnsafeRawPointer) -> Bool { entry >= base && entry < base + Int(size) }

    func isBuiltin(_ name: String) -> Bool { chainIndex(name).map { chainList[$0].hook != nil } ?? false }
    func isChain(_ name: String) -> Bool { chainIndex(name) != nil }

    func policy(of chain: String) -> Policy? {
        guard let i = chainIndex(chain), chainList[i].hook != nil else { return nil }
        let c = chainList[i]
        guard let v = BlobTable.verdictName(c.policyVerdict) else { return nil }
        return Policy(name: String(cString: BlobTable.text(v)), packets: c.policyPackets, bytes: c.policyBytes)
    }

    func references(of chain: String) -> Int? { chainIndex(chain).map { chainList[$0].references } }

    /// Whether the last failure came where libiptc's check (a dry-run delete) words ENOENT
    /// as a bad rule: the chain is missing, or the rule's target is none or a verdict.
    private var badRuleWording = false

    /// libiptc's text for an errno: its check's wording, or its words for no call at all.
    func message(for err: Int32) -> String {
        if badRuleWording && err == ENOENT { return "Bad rule (does a matching rule exist in that chain?)" }
        return String(cString: family.tc.pointee.strerror(err))
    }

    /// -C as libiptc's check does it: the rule's target mapped as libiptc maps it (none: a
    /// fall-through; a verdict; a chain: a jump; anything else: an extension), then the
    /// first rule of the chain of the same kind and label whose header, matches and
    /// extension target are the same under the caller's mask (libiptc's is_same and
    /// target_same). Throws ENOENT when none is.
    func check(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws {
        badRuleWording = true
        guard let i = chainIndex(chain) else { throw IPTablesError.kernel(errno: ENOENT) }
        let name = EntryComparison.targetName(family, e)
        let text = String(cString: name)
        var standard = text.isEmpty || Names.isVerdict(text)
        if !standard {
            badRuleWording = false  // libiptc asked whether it names a built-in chain
            if let j = chainIndex(text) {
                if chainList[j].hook != nil { throw IPTablesError.kernel(errno: EINVAL) }
                standard = true
            }
        }
        let c = chainList[i]
        for r in c.first..<(c.first + c.count) {
            let old = rules[r]
            let oldStandard = EntryComparison.targetName(family, old).pointee == 0
            guard oldStandard == standard, !standard || strcmp(labels[r].text, name) == 0,
                  shim_entry_same_masked(family.nfproto, e, old, mask, !standard) else { continue }
            return
        }
        throw IPTablesError.kernel(errno: ENOENT)
    }

    // MARK: - Writing: never (the tools open a BlobTable only to read)

    private func readOnly() -> IPTablesError { IPTablesError.kernel(errno: EROFS) }
    func append(_ chain: String, _ e: UnsafeRawPointer) throws { throw readOnly() }
    func insert(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws { throw readOnly() }
    func replace(_ chain: String, _ e: UnsafeRawPointer, at index: UInt32) throws { throw readOnly() }
    func delete(_ chain: String, _ e: UnsafeRawPointer, mask: UnsafeMutablePointer<UInt8>) throws { throw readOnly() }
    func deleteRule(_ chain: String, at index: UInt32) throws { throw readOnly() }
    func flush(_ chain: String) throws { throw readOnly() }
    func zero(_ chain: String) throws { throw readOnly() }
    func zeroRule(_ chain: String, number: UInt32) throws { throw readOnly() }
    func createChain(_ chain: String) throws { throw readOnly() }
    func deleteChain(_ chain: String) throws { throw readOnly() }
    func renameChain(_ old: String, to new: String) throws { throw readOnly() }
    func setPolicy(_ chain: String, _ policy: String, counters: (UInt64, UInt64)?) throws { throw readOnly() }
    func dump(into out: inout LineWriter) throws { throw readOnly() }
    /// Nothing changed: nothing to send.
    func commit() throws {}
}

/// A rule's target label: a verdict, a chain's name, an extension's or "" (a C string in the
/// table's copy or a static one). A struct rather than a bare `UnsafePointer<CChar>`: an
/// array of these needs no pointer type metadata made at run time (the labels array of the
/// first table read instantiated `UnsafePointer<Int8>`'s: two page faults of every `-S`).
struct RuleLabel {
    let text: UnsafePointer<CChar>
}

/// A table whose rules sit in one array, each chain's a range of it, labels beside them
/// (the blob decoder): a restore comparing a file with the table takes the arrays as they
/// are instead of asking chain after chain.
protocol RuleLayout: AnyObject {
    /// Every rule (entries of the table's copy) and its target label, as `targetLabel` gives it.
    var allRules: [UnsafeRawPointer] { get }
    var allLabels: [RuleLabel] { get }
    /// The rules of the chain at this place of `chains()`.
    func ruleRange(ofChainAt i: Int) -> Range<Int>
    /// The place of a chain in `chains()`; nil when there is no such chain.
    func chainPosition(_ name: String) -> Int?
}
