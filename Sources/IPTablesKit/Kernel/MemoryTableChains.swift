import CXtables
import Glibc

/// Chains, policies and commit of a memory table, with libiptc's checks.
extension MemoryTable {
    private static let verdicts: Set<String> = ["ACCEPT", "DROP", "QUEUE", "RETURN"]

    func createChain(_ chain: String) throws {
        if isChain(chain) || MemoryTable.verdicts.contains(chain) { throw failure(.createChain, EEXIST) }
        if chain.utf8.count >= 32 { throw failure(.createChain, EINVAL) }
        mutate { s in
            // Kept sorted by bytes (libiptc's order): a binary search for the place, not a
            // sort per chain (a kube-proxy ruleset declares tens of thousands).
            var low = 0, high = s.userChains.count
            while low < high {
                let mid = (low + high) / 2
                if strcmp(s.userChains[mid], chain) < 0 { low = mid + 1 } else { high = mid }
            }
            s.userChains.insert(chain, at: low)
            s.rules[chain] = []
        }
    }

    func deleteChain(_ chain: String) throws {
        guard isChain(chain) else { throw failure(.deleteChain, ENOENT) }
        if isBuiltin(chain) { throw failure(.deleteChain, EINVAL) }
        if (references(of: chain) ?? 0) > 0 { throw failure(.deleteChain, EMLINK) }
        if !rules(of: chain).isEmpty { throw failure(.deleteChain, ENOTEMPTY) }
        mutate { s in
            s.userChains.removeAll { $0 == chain }
            s.rules[chain] = nil
        }
    }

    func renameChain(_ old: String, to new: String) throws {
        if isChain(new) || MemoryTable.verdicts.contains(new) { throw failure(.renameChain, EEXIST) }
        guard isChain(old), !isBuiltin(old) else { throw failure(.renameChain, ENOENT) }
        let moved = relabelJumps(from: old, to: new)
        mutate { s in
            s.rules = moved
            s.rules[new] = s.rules.removeValue(forKey: old)
            s.userChains = s.userChains.map { $0 == old ? new : $0 }.sorted { strcmp($0, $1) < 0 }
        }
    }

    /// Every chain's rules with jumps to `old` pointed at `new`.
    private func relabelJumps(from old: String, to new: String) -> [String: [StoredEntry]] {
        var out: [String: [StoredEntry]] = [:]
        for name in chains() {
            out[name] = rules(of: name).map { e in
                let r = entry(at: e)
                guard r.isJump, strcmp(r.label, old) == 0 else { return r }
                return remember(StoredEntry(copying: e, family: family, label: new, isJump: true))
            }
        }
        return out
    }

    func setPolicy(_ chain: String, _ policy: String, counters: (UInt64, UInt64)?) throws {
        guard isBuiltin(chain) else { throw failure(.setPolicy, ENOENT) }
        guard policy == "ACCEPT" || policy == "DROP" else { throw failure(.setPolicy, EINVAL) }
        let old = self.policy(of: chain)
        let c = counters ?? (old?.packets ?? 0, old?.bytes ?? 0)
        mutate { $0.policies[chain] = Policy(name: policy, packets: c.0, bytes: c.1) }
    }

    func dump(into out: inout LineWriter) throws {
        out.put("# \(table): a table in memory; libiptc's dump is only for the kernel's tables\n")
    }

    func commit() throws { commitState() }
}
