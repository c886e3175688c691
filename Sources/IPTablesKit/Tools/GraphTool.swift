import Glibc

/// `iptables-swift graph [-4|-6] [-t TABLE] [--format dot|svg] [--counters] [--expand]`:
/// the live chains as a picture (`GraphFormat`), in DOT, or in SVG through Graphviz's dot.
/// Exit 0; 1 when the tables cannot be read or dot fails; 2 usage.
public enum GraphTool {
    static let usage = """
        Usage: iptables-swift graph [-4|-6] [-t TABLE] [--format dot|svg] [--counters] [--expand]
          -t TABLE         one table (default: every table)
          --format FORMAT  dot (default), or svg through Graphviz's dot
          --counters       edge widths and labels from packet counters
          --expand         every chain its own node (default: families such as
                           KUBE-SEP-* drawn as one node with their count)

        """

    /// What the command line asks for.
    struct Request {
        var family: Family
        var table: String?
        var svg = false
        var format = GraphFormat()
    }

    /// The subcommand: argv (`iptables-swift graph …`) to exit status.
    public static func main(defaultFamily: Family, arguments: [String]) -> Int32 {
        let request: Request
        switch parse(Array(arguments.dropFirst(2)), family: defaultFamily) {
        case .success(let r): request = r
        case .failure(let e):
            if e.message.isEmpty { StandardOutput().write(usage); return 0 }
            StandardError().write("iptables-swift graph: \(e.message)\n" + usage)
            return 2
        }
        guard geteuid() == 0 else { return fail("reading the live tables needs root") }
        do {
            let ruleset = try Firewall(family: request.family).snapshot(table: request.table)
            let dot = request.format.dot(ruleset)
            let out = StandardOutput()
            out.write(request.svg ? try svg(dot) : dot)
            out.flush()
            return 0
        } catch let e as IPTablesError {
            return fail(e.message.trimmingNewline())
        } catch {
            return 1
        }
    }

    /// A usage problem (an empty message: -h).
    struct UsageError: Error { var message: String }

    static func parse(_ words: [String], family: Family) -> Result<Request, UsageError> {
        var r = Request(family: family)
        var i = 0
        while i < words.count {
            let w = words[i]
            switch w {
            case "-4", "--ipv4": r.family = .ipv4
            case "-6", "--ipv6": r.family = .ipv6
            case "--counters": r.format.counters = true
            case "--expand": r.format.expand = true
            case "-h", "--help": return .failure(UsageError(message: ""))
            case "-t", "--table", "--format":
                guard i + 1 < words.count else { return .failure(UsageError(message: "\(w) needs a value")) }
                i += 1
                if w == "--format" {
                    guard words[i] == "dot" || words[i] == "svg" else {
                        return .failure(UsageError(message: "unknown format `\(words[i])' (dot or svg)"))
                    }
                    r.svg = words[i] == "svg"
                } else {
                    r.table = words[i]
                }
            default: return .failure(UsageError(message: "unknown argument `\(w)'"))
            }
            i += 1
        }
        return .success(r)
    }

    /// SVG from DOT through Graphviz's dot, found on PATH.
    static func svg(_ dot: String) throws -> String {
        guard let program = findOnPath("dot") else {
            throw IPTablesError(.other, "SVG needs Graphviz's dot, which is not installed (Debian package graphviz); --format dot writes the graph without it", style: .plain)
        }
        let r = try Subprocess.run([program, "-Tsvg"], input: Array(dot.utf8))
        guard r.status == 0 else {
            let said = String(decoding: r.errors, as: UTF8.self).trimmingNewline()
            throw IPTablesError(.other, "dot -Tsvg failed with exit status \(r.status)" + (said.isEmpty ? "" : ": \(said)"), style: .plain)
        }
        return String(decoding: r.output, as: UTF8.self)
    }

    /// The first executable of that name in PATH.
    static func findOnPath(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where Subprocess.isExecutable("\(dir)/\(name)") { return "\(dir)/\(name)" }
        return nil
    }

    private static func fail(_ message: String) -> Int32 {
        StandardError().write("iptables-swift graph: \(message)\n")
        return 1
    }
}
