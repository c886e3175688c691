import FoundationEssentials
import IPTablesKit

/// JSON in and out for rulesets: `Ruleset` values to the versioned document
/// (`RulesetDocument`) and its text, and a document back to iptables-restore's format, which
/// is what `iptables-swift check`, `diff` and `apply` load. Foundation's coders do the JSON.
public enum RulesetJSON {
    /// The document of a ruleset; counters are included when `counters` is set.
    public static func document(_ ruleset: Ruleset, counters: Bool) -> RulesetDocument {
        RulesetDocument(format: RulesetDocument.formatName, version: RulesetDocument.currentVersion,
                        family: ruleset.family.name, counters: counters,
                        tables: ruleset.tables.map { table($0, counters: counters) })
    }

    /// The JSON text of a ruleset: sorted keys, two-space indentation, a final newline.
    public static func encode(_ ruleset: Ruleset, counters: Bool) throws -> String {
        try encode(document(ruleset, counters: counters))
    }

    /// The JSON text of a document.
    public static func encode(_ document: RulesetDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// A document read from JSON text; throws `RulesetJSONError` naming what is wrong.
    public static func decode(_ data: Data) throws -> RulesetDocument {
        let doc: RulesetDocument
        do {
            doc = try JSONDecoder().decode(RulesetDocument.self, from: data)
        } catch let e as DecodingError {
            throw RulesetJSONError(message: describe(e))
        } catch {
            throw RulesetJSONError(message: "not JSON: \(error)")
        }
        guard doc.format == RulesetDocument.formatName else {
            throw RulesetJSONError(message: "\"format\" is \"\(doc.format)\", not \"\(RulesetDocument.formatName)\"")
        }
        guard doc.version == RulesetDocument.currentVersion else {
            throw RulesetJSONError(message: "schema version \(doc.version) is not supported (this is version \(RulesetDocument.currentVersion))")
        }
        guard doc.family == "ipv4" || doc.family == "ipv6" else {
            throw RulesetJSONError(message: "\"family\" is \"\(doc.family)\", not \"ipv4\" or \"ipv6\"")
        }
        return doc
    }

    /// The iptables-restore text a document stands for: per table its chains (policy and,
    /// with counters, their counters), then every rule's save line (with "[p:b] " when it
    /// has counters), then COMMIT. The save lines are authoritative; each must name its chain.
    public static func restoreText(_ doc: RulesetDocument) throws -> String {
        var out = ""
        for t in doc.tables {
            try checkName(t.name, "table \"\(t.name)\"")
            out += "*\(t.name)\n"
            for c in t.chains {
                try checkName(c.name, "table \(t.name), chain \"\(c.name)\"")
                if c.builtin, c.policy != "ACCEPT" && c.policy != "DROP" {
                    throw RulesetJSONError(message: "table \(t.name), chain \(c.name): a built-in chain needs the policy ACCEPT or DROP")
                }
                let p = c.policyCounters ?? CountersDocument(packets: 0, bytes: 0)
                out += ":\(c.name) \(c.builtin ? c.policy! : "-") [\(p.packets):\(p.bytes)]\n"
            }
            for c in t.chains {
                for (i, r) in c.rules.enumerated() {
                    let head = "-A \(c.name)"
                    guard r.save == head || r.save.hasPrefix(head + " "), !r.save.contains(where: \.isNewline), !r.save.contains("\0") else {
                        throw RulesetJSONError(message: "table \(t.name), chain \(c.name), rule \(i + 1): \"save\" must be one line starting with \"\(head)\"")
                    }
                    if let k = r.counters { out += "[\(k.packets):\(k.bytes)] " }
                    out += r.save + "\n"
                }
            }
            out += "COMMIT\n"
        }
        return out
    }

    /// A table or chain name must be one word of printable characters (it becomes a word
    /// of restore text).
    private static func checkName(_ name: String, _ what: String) throws {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw RulesetJSONError(message: "\(what): a name must be one word without spaces or control characters")
        }
    }

    /// The stable hash of a rule's save line: FNV-1a (64 bits) of its UTF-8 bytes.
    public static func hash(_ save: String) -> String {
        let hex = String(StableHash.fnv1a64(save.utf8), radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: - From values

    private static let verdicts: Set<String> = ["ACCEPT", "DROP", "RETURN", "QUEUE"]

    private static func table(_ t: TableRules, counters: Bool) -> TableDocument {
        let names = Set(t.chains.map(\.name))
        var references: [String: Int] = [:]
        for c in t.chains {
            for r in c.rules {
                if let name = r.target?.name, names.contains(name), !verdicts.contains(name) { references[name, default: 0] += 1 }
            }
        }
        let chains = t.chains.map { c in
            ChainDocument(name: c.name, builtin: c.policy != nil, policy: c.policy?.name,
                          policyCounters: counters ? c.policy.map { CountersDocument(packets: $0.packets, bytes: $0.bytes) } : nil,
                          references: references[c.name] ?? 0,
                          rules: c.rules.enumerated().map { rule($1, position: $0 + 1, chains: names, counters: counters) })
        }
        return TableDocument(name: t.name, chains: chains)
    }

    private static func rule(_ r: Rule, position: Int, chains: Set<String>, counters: Bool) -> RuleDocument {
        RuleDocument(position: position,
                     counters: counters ? CountersDocument(packets: r.counters.packets, bytes: r.counters.bytes) : nil,
                     protocol: r.protocolName.map { ProtocolDocument(name: $0, number: Int(r.protocolNumber), inverted: r.protocolInverted) },
                     source: r.source.map(address), destination: r.destination.map(address),
                     inInterface: r.inInterface.map(interface), outInterface: r.outInterface.map(interface),
                     fragment: r.fragmentInverted.map { FragmentDocument(inverted: $0) },
                     matches: r.matches.map { ExtensionDocument(name: $0.name, revision: Int($0.revision), options: $0.options) },
                     target: r.target.map { target($0, goto: r.isGoto, chains: chains) },
                     save: r.saveLine, hash: hash(r.saveLine))
    }

    private static func address(_ a: AddressSpec) -> AddressDocument {
        AddressDocument(address: a.address, mask: a.mask, inverted: a.inverted)
    }

    private static func interface(_ i: InterfaceSpec) -> InterfaceDocument {
        InterfaceDocument(name: i.name, inverted: i.inverted)
    }

    private static func target(_ t: ExtensionSpec, goto: Bool, chains: Set<String>) -> TargetDocument {
        if goto { return TargetDocument(kind: "goto", name: t.name) }
        if verdicts.contains(t.name) && t.options.isEmpty { return TargetDocument(kind: "verdict", name: t.name) }
        if chains.contains(t.name) && t.options.isEmpty { return TargetDocument(kind: "jump", name: t.name) }
        return TargetDocument(kind: "extension", name: t.name, revision: Int(t.revision), options: t.options)
    }

    // MARK: - Errors

    /// A decoding error as one line: where in the document, and what.
    private static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.isEmpty ? "the document" : c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case .typeMismatch(let type, let c): return "\(path(c.codingPath)): expected \(type)"
        case .valueNotFound(let type, let c): return "\(path(c.codingPath)): missing \(type)"
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])): missing"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
}

/// A JSON document that is not a ruleset of this schema.
public struct RulesetJSONError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    /// An error with its message.
    public init(message: String) { self.message = message }
}

extension Firewall {
    /// Parses a ruleset given as a JSON document of `RulesetDocument`'s schema, as
    /// `parseRestore` parses restore text, without touching any table of this firewall.
    public func parseRestore(json: Data, counters: Bool = true) throws -> Ruleset {
        let doc = try RulesetJSON.decode(json)
        guard doc.family == family.name else {
            throw RulesetJSONError(message: "the document is for \(doc.family), this firewall is \(family.name)")
        }
        return try parseRestore(try RulesetJSON.restoreText(doc), counters: counters)
    }
}
