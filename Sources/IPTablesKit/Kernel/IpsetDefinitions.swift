import CXtables
import Glibc

/// The definitions of the host's ipsets a ruleset names (type, revision, family and create
/// options, never members), read in the host's network namespace and created again in the
/// check's private one, so that `-m set` and `-j SET` rules can be committed there. Root only.
struct IpsetDefinitions {
    /// Each set's header as nfnetlink attributes, by name.
    private(set) var headers: [String: [UInt8]] = [:]
    /// False when the kernel would not tell (EPERM as root of a user namespace, not of the
    /// host; a protocol it does not speak): the rules naming sets stay userspace-only.
    private(set) var readable = true

    /// Reads the named sets from the host's kernel.
    init(names: [String]) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        for name in names {
            var length = 0
            if shim_ipset_header(name, &buffer, buffer.count, &length) == 0 {
                headers[name] = Array(buffer[0..<length])
            } else if errno != ENOENT {  // ENOENT: the host has no such set
                readable = false  // EPERM (root of a user namespace), an older ipset protocol, …
            }
        }
    }

    /// Creates every set read (in the current network namespace); the names that failed.
    func create() -> [String] {
        headers.keys.sorted().filter { name in
            let header = headers[name]!
            return header.withUnsafeBufferPointer { shim_ipset_create($0.baseAddress!, $0.count) } != 0
        }
    }

    /// The set names the rules of a text use (`--match-set NAME`, `--add-set NAME`,
    /// `--del-set NAME`, `--map-set NAME`).
    static func names(in outline: RulesetOutline) -> [String] {
        var names: Set<String> = []
        for block in outline.blocks {
            for n in block.ruleLines {
                guard outline.line(n, contains: Array("-set ".utf8)) else { continue }
                let words = LineWords(outline.line(n)).list
                for (i, w) in words.enumerated() where i + 1 < words.count
                    && ["--match-set", "--add-set", "--del-set", "--map-set"].contains(w.text) {
                    names.insert(words[i + 1].text)
                }
            }
        }
        return names.sorted()
    }
}
