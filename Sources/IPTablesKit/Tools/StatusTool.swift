import Glibc

/// `iptables-swift status [-4|-6] [--json]`: which backends hold tables, what the
/// alternatives select, who holds the xtables lock, and a pending `apply --confirm`.
/// Changes nothing and never waits. Exit 0; 1 when some part could not be read (the rest
/// is still reported); 2 usage.
public enum StatusTool {
    /// The usage text (on stdout for -h, after the error for a bad argument).
    static let usage = """
        Usage: iptables-swift status [-4|-6] [--json]
          -4, -6    one family only (default: both)
          --json    the report as JSON (schema version 1)

        """

    /// The subcommand: argv (`iptables-swift status …`) to exit status.
    public static func main(arguments: [String]) -> Int32 {
        var families: [Family] = [.ipv4, .ipv6]
        var json = false
        for word in arguments.dropFirst(2) {
            switch word {
            case "-4", "--ipv4": families = [.ipv4]
            case "-6", "--ipv6": families = [.ipv6]
            case "--json": json = true
            case "-h", "--help":
                StandardOutput().write(usage)
                return 0
            default:
                StandardError().write("iptables-swift status: unknown argument `\(word)'\n" + usage)
                return 2
            }
        }
        let status = SystemStatus.gather(families)
        let out = StandardOutput()
        out.write(json ? StatusFormat.json(status) : StatusFormat.text(status))
        out.flush()
        return status.hasFailures ? 1 : 0
    }
}
