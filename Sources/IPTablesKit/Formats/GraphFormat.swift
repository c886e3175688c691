/// A picture of a ruleset's chains in Graphviz's DOT language (`iptables-swift graph`):
/// one cluster per table, chains as nodes (built-ins as entry points, with their policy),
/// jumps and gotos as edges labelled with the rule numbers (gotos dashed). A user chain no
/// built-in chain reaches, and a rule no packet reaches (an earlier rule of its chain has no
/// condition and a terminating target), are marked in red. Families of chains named with a
/// hash suffix (KUBE-SEP-…, KUBE-SVC-…) are drawn as one node with their count unless
/// `expand` is set, so a Docker and kube-proxy ruleset stays readable.
struct GraphFormat {
    /// Draw every chain on its own.
    var expand = false
    /// Edge widths from packet counters, and packets in the labels.
    var counters = false

    /// The verdicts and targets that end a chain's walk for every packet a rule matches
    /// (the issue's list, and QUEUE, the other verdict that does).
    static let terminating: Set<String> = ["ACCEPT", "DROP", "QUEUE", "REJECT", "RETURN"]
    /// A family needs at least this many chains to be drawn as one node.
    static let smallestFamily = 3

    /// The DOT text of a ruleset.
    func dot(_ ruleset: Ruleset) -> String {
        var out = "digraph \"\(ruleset.family.toolName)\" {\n"
        out += "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\"\(ruleset.family.toolName) chains\"];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
        for t in ruleset.tables { out += cluster(t) }
        return out + "}\n"
    }

    // MARK: - One table

    /// What the picture knows of one chain.
    private struct ChainFacts {
        var name: String
        var policy: Policy?
        var ruleCount: Int
        /// Rule numbers (1-based) after an unconditional terminating rule.
        var unreachableRules: [Int]
        /// Jumps and gotos: rule number, target chain, goto, packets.
        var exits: [(rule: Int, to: String, goto: Bool, packets: UInt64)]
    }

    private func cluster(_ t: TableRules) -> String {
        let names = Set(t.chains.map(\.name))
        let facts = t.chains.map { chainFacts($0, chains: names) }
        let reached = reachable(facts)
        let group = expand ? [:] : groups(facts.filter { $0.policy == nil }.map(\.name))
        var out = "  subgraph \"cluster_\(escape(t.name))\" {\n    label=\"table \(escape(t.name))\";\n    style=rounded;\n"
        var drawn: Set<String> = []
        var members: [String: [ChainFacts]] = [:]
        for f in facts {
            if let g = group[f.name] { members[g, default: []].append(f); continue }
            out += "    " + node(f, table: t.name, reached: reached.contains(f.name)) + "\n"
            drawn.insert(f.name)
        }
        for (g, fs) in members.sorted(by: { $0.key < $1.key }) {
            let unreached = fs.filter { !reached.contains($0.name) }.count
            let rules = fs.reduce(0) { $0 + $1.ruleCount }
            var label = "\(escape(g))*\\n\(fs.count) chains, \(rules) rules"
            if unreached > 0 { label += "\\n\(unreached) unreachable" }
            out += "    \(id(t.name, g + "*")) [shape=folder, label=\"\(label)\"\(unreached > 0 ? ", color=red" : "")];\n"
        }
        out += edges(facts, table: t.name, group: group)
        return out + "  }\n"
    }

    private func chainFacts(_ c: ChainRules, chains: Set<String>) -> ChainFacts {
        var f = ChainFacts(name: c.name, policy: c.policy, ruleCount: c.rules.count, unreachableRules: [], exits: [])
        var blocked = false
        for (i, r) in c.rules.enumerated() {
            if blocked { f.unreachableRules.append(i + 1) }
            if let to = r.target?.name, chains.contains(to), !GraphFormat.terminating.contains(to) {
                f.exits.append((i + 1, to, r.isGoto, r.counters.packets))
            }
            if !blocked && GraphFormat.isUnconditional(r) && (r.isGoto || GraphFormat.terminating.contains(r.target?.name ?? "")) {
                blocked = true
            }
        }
        return f
    }

    /// A rule with no header condition and no match: every packet reaching it matches.
    static func isUnconditional(_ r: Rule) -> Bool {
        r.protocolName == nil && r.source == nil && r.destination == nil && r.inInterface == nil
            && r.outInterface == nil && r.fragmentInverted == nil && r.matches.isEmpty
    }

    /// The chains a built-in chain reaches through jumps and gotos of rules packets reach.
    private func reachable(_ facts: [ChainFacts]) -> Set<String> {
        let byName = Dictionary(facts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set(facts.filter { $0.policy != nil }.map(\.name))
        var work = Array(seen)
        while let name = work.popLast() {
            guard let f = byName[name] else { continue }
            let dead = Set(f.unreachableRules)
            for e in f.exits where !dead.contains(e.rule) && seen.insert(e.to).inserted { work.append(e.to) }
        }
        return seen
    }

    /// Chain name → family prefix, for families of at least `smallestFamily` chains whose
    /// names end in a hash-like word (8 or more letters and digits, at least one digit).
    private func groups(_ names: [String]) -> [String: String] {
        var families: [String: [String]] = [:]
        for n in names {
            guard let dash = n.lastIndex(of: "-") else { continue }
            let tail = n[n.index(after: dash)...]
            guard tail.count >= 8, tail.allSatisfy({ $0.isLetter || $0.isNumber }), tail.contains(where: \.isNumber) else { continue }
            families[String(n[...dash]), default: []].append(n)
        }
        var out: [String: String] = [:]
        for (prefix, members) in families where members.count >= GraphFormat.smallestFamily {
            for m in members { out[m] = prefix }
        }
        return out
    }

    private func node(_ f: ChainFacts, table: String, reached: Bool) -> String {
        var label = escape(f.name)
        if let p = f.policy {
            label += "\\npolicy \(p.name)"
            if counters { label += " (\(p.packets) packets)" }
        }
        label += "\\n\(f.ruleCount) rule\(f.ruleCount == 1 ? "" : "s")"
        if !f.unreachableRules.isEmpty { label += "\\nunreachable rules: \(ranges(f.unreachableRules))" }
        if !reached { label += "\\nunreachable chain" }
        var attributes = f.policy != nil ? "shape=box, style=\"bold,filled\", fillcolor=\"#e8f0fe\"" : "shape=ellipse"
        if !reached || !f.unreachableRules.isEmpty { attributes += ", color=red, fontcolor=red" }
        if !reached { attributes += ", style=dashed" }
        return "\(id(table, f.name)) [\(attributes), label=\"\(label)\"];"
    }

    /// One edge per pair of nodes and kind (jump or goto), labelled with the rule numbers
    /// (or a count of rules, between families).
    private func edges(_ facts: [ChainFacts], table: String, group: [String: String]) -> String {
        struct Key: Hashable { var from: String; var to: String; var goto: Bool; var dead: Bool; var fromFamily: Bool }
        var rules: [Key: [Int]] = [:]
        var packets: [Key: UInt64] = [:]
        var order: [Key] = []
        for f in facts {
            let dead = Set(f.unreachableRules)
            let family = group[f.name]
            for e in f.exits {
                let to = group[e.to].map { $0 + "*" } ?? e.to
                let k = Key(from: family.map { $0 + "*" } ?? f.name, to: to, goto: e.goto,
                            dead: dead.contains(e.rule), fromFamily: family != nil)
                if rules[k] == nil { order.append(k) }
                rules[k, default: []].append(e.rule)
                packets[k, default: 0] += e.packets
            }
        }
        var out = ""
        for k in order {
            let numbers = rules[k]!
            // Rule numbers of many chains say nothing: a family's edges count rules.
            var label = k.fromFamily ? "\(numbers.count) rule\(numbers.count == 1 ? "" : "s")" : "#" + ranges(numbers)
            if k.dead { label += " (unreachable)" }
            if counters { label += "\\n\(packets[k]!) packets" }
            var attributes = "label=\"\(label)\""
            if k.dead {
                attributes += ", color=red, fontcolor=red, style=dotted"
            } else if k.goto {
                attributes += ", style=dashed"
            }
            if counters { attributes += ", penwidth=\(GraphFormat.width(packets[k]!))" }
            out += "    \(id(table, k.from)) -> \(id(table, k.to)) [\(attributes)];\n"
        }
        return out
    }

    /// An edge's width from its packets: 1 for none, one more per power of ten, at most 8.
    static func width(_ packets: UInt64) -> Int {
        var w = 1, p = packets
        while p > 0 && w < 8 { w += 1; p /= 10 }
        return w
    }

    /// "1-3,5" for [1, 2, 3, 5].
    private func ranges(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < numbers.count {
            var j = i
            while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
            parts.append(j > i ? "\(numbers[i])-\(numbers[j])" : "\(numbers[i])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    private func id(_ table: String, _ chain: String) -> String { "\"\(escape(table))/\(escape(chain))\"" }

    private func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
