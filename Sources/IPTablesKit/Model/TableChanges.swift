/// The tables of an iptables-save text as values to compare: chains in order with their
/// policies, and each chain's rules as their save lines (counters dropped). Both sides of a
/// comparison come from the same printer, so equal rules have equal lines.
public struct SavedTables: Equatable, Sendable {
    /// One table.
    public struct Table: Equatable, Sendable {
        /// Chains in the save's order: built-ins with their policy, user chains with nil.
        public var chains: [(name: String, policy: String?)] = []
        /// Each chain's rules (`-A CHAIN …` lines), in order.
        public var rules: [String: [String]] = [:]

        /// A table as the kernel first makes it: its built-in chains, ACCEPT, no rules.
        public static func fresh(_ name: String) -> Table {
            var t = Table()
            for c in BuiltinChains.byTable[name] ?? [] {
                t.chains.append((c, "ACCEPT"))
                t.rules[c] = []
            }
            return t
        }

        public static func == (a: Table, b: Table) -> Bool {
            a.chains.map(\.name) == b.chains.map(\.name) && a.chains.map(\.policy) == b.chains.map(\.policy)
                && a.rules == b.rules
        }
    }

    /// Tables by name, and their order in the text.
    public var tables: [String: Table] = [:]
    public var order: [String] = []

    /// Reads save text (`[p:b]` prefixes and policy counters are ignored).
    public init(_ text: String) {
        var current: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = Substring(raw)
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("["), let close = line.firstIndex(of: "]") { line = line[line.index(after: close)...].drop { $0 == " " } }
            if line.hasPrefix("*") {
                let name = String(line.dropFirst())
                current = name
                if tables[name] == nil { order.append(name) }
                tables[name] = Table()
            } else if line == "COMMIT" {
                current = nil
            } else if let t = current, line.hasPrefix(":") {
                let words = line.dropFirst().split(separator: " ")
                guard let name = words.first.map(String.init) else { continue }
                let policy = words.count > 1 && words[1] != "-" ? String(words[1]) : nil
                tables[t]!.chains.append((name, policy))
                tables[t]!.rules[name] = tables[t]!.rules[name] ?? []
            } else if let t = current, line.hasPrefix("-A ") {
                let chain = String(line.dropFirst(3).prefix { $0 != " " })
                tables[t]!.rules[chain, default: []].append(String(line))
            }
        }
    }
}

/// One difference between two tables.
public struct TableChange: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case createChain = "create-chain", deleteChain = "delete-chain", policy, add, remove
    }

    public var table: String
    public var chain: String
    public var kind: Kind
    /// The save line: `:CHAIN -`, `:CHAIN POLICY` or `-A CHAIN …`.
    public var line: String
    /// The rule's 1-based position (in the old table for a removal, the new one for an addition).
    public var position: Int?
    /// For a policy change, the old policy.
    public var oldPolicy: String?
}

/// What turns one save's tables into another's, table by table, chain by chain: chains
/// deleted and created, policies changed, rules removed and added (a moved rule is removed
/// at its old place and added at its new one: a shortest edit script per chain).
public enum TableDiff {
    /// The changes for the named tables (a table missing on one side counts as the kernel
    /// first makes it there: built-in chains, ACCEPT, no rules).
    public static func changes(from old: SavedTables, to new: SavedTables, tables names: [String]) -> [TableChange] {
        var out: [TableChange] = []
        for name in names {
            let a = old.tables[name] ?? .fresh(name)
            let b = new.tables[name] ?? .fresh(name)
            out += changes(table: name, from: a, to: b)
        }
        return out
    }

    static func changes(table: String, from a: SavedTables.Table, to b: SavedTables.Table) -> [TableChange] {
        var out: [TableChange] = []
        let newNames = Set(b.chains.map(\.name)), oldNames = Set(a.chains.map(\.name))
        for c in a.chains where !newNames.contains(c.name) {
            out.append(TableChange(table: table, chain: c.name, kind: .deleteChain, line: ":\(c.name) -"))
        }
        for c in b.chains where !oldNames.contains(c.name) {
            out.append(TableChange(table: table, chain: c.name, kind: .createChain, line: ":\(c.name) -"))
        }
        let oldPolicies = Dictionary(a.chains.map { ($0.name, $0.policy) }, uniquingKeysWith: { x, _ in x })
        for c in b.chains {
            if let p = c.policy, let old = oldPolicies[c.name] ?? nil, old != p {
                out.append(TableChange(table: table, chain: c.name, kind: .policy, line: ":\(c.name) \(p)", oldPolicy: old))
            }
        }
        var chains = a.chains.map(\.name)
        for c in b.chains.map(\.name) where !oldNames.contains(c) { chains.append(c) }
        for chain in chains {
            out += ruleChanges(table: table, chain: chain, a.rules[chain] ?? [], b.rules[chain] ?? [])
        }
        return out
    }

    /// The removals and additions of one chain, in order: Myers' shortest edit script.
    static func ruleChanges(table: String, chain: String, _ a: [String], _ b: [String]) -> [TableChange] {
        if a == b { return [] }
        var out: [TableChange] = []
        for step in EditScript.between(a, b) {
            switch step {
            case .remove(let i): out.append(TableChange(table: table, chain: chain, kind: .remove, line: a[i], position: i + 1))
            case .add(let j): out.append(TableChange(table: table, chain: chain, kind: .add, line: b[j], position: j + 1))
            }
        }
        return out
    }
}

/// A shortest edit script between two lists (Myers' O((N+M)D) algorithm), as removals
/// (indexes into the old list) and additions (indexes into the new), in order.
enum EditScript {
    enum Step: Equatable { case remove(Int), add(Int) }

    static func between(_ a: [String], _ b: [String]) -> [Step] {
        let n = a.count, m = b.count
        // Skip the common head and tail: most chains change little.
        var head = 0
        while head < n && head < m && a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < n - head && tail < m - head && a[n - 1 - tail] == b[m - 1 - tail] { tail += 1 }
        let a2 = Array(a[head..<(n - tail)]), b2 = Array(b[head..<(m - tail)])
        return myers(a2, b2).map {
            switch $0 {
            case .remove(let i): return .remove(i + head)
            case .add(let j): return .add(j + head)
            }
        }
    }

    /// Edit distances beyond this are not searched: the middle is then replaced whole
    /// (memory stays bounded: the search keeps O(D²) numbers).
    static let maxDistance = 2_000

    private static func myers(_ a: [String], _ b: [String]) -> [Step] {
        let n = a.count, m = b.count
        if n == 0 { return (0..<m).map { .add($0) } }
        if m == 0 { return (0..<n).map { .remove($0) } }
        let limit = min(n + m, maxDistance)
        var v = [Int](repeating: 0, count: 2 * limit + 3)
        let offset = limit + 1
        // trace[d] keeps v[-d...d] as it was before step d.
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...limit {
            trace.append(Array(v[(offset - d)...(offset + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n && y < m && a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { found = true; break outer }
            }
        }
        if !found { return (0..<n).map { .remove($0) } + (0..<m).map { .add($0) } }
        var steps: [Step] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 1, by: -1) {
            let row = trace[d]  // row[i] is v[i - d]
            func at(_ k: Int) -> Int { row[k + d] }
            let k = x - y
            let prevK = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1
            let prevX = at(prevK), prevY = prevX - prevK
            while x > prevX && y > prevY { x -= 1; y -= 1 }
            if x == prevX { steps.append(.add(prevY)) } else { steps.append(.remove(prevX)) }
            x = prevX
            y = prevY
        }
        return steps.reversed()
    }
}
