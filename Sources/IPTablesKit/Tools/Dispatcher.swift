/// Chooses the tool by the basename of argv[0], or by the first argument
/// (`xtables-swift-multi iptables -L`), as xtables-legacy-multi does.
public enum Dispatcher {
    /// Every tool name the multi-call binary answers to (the *-swift names are the ones
    /// scripts/install --alternatives registers).
    public static let toolNames = ["ip6tables", "ip6tables-restore", "ip6tables-save", "ip6tables-swift",
                                   "ip6tables-swift-restore", "ip6tables-swift-save", "iptables",
                                   "iptables-restore", "iptables-save", "iptables-swift",
                                   "iptables-swift-restore", "iptables-swift-save", "iptables-swift-xml",
                                   "iptables-xml", "xml"]

    /// Runs the tool a name stands for; nil when the name is none of ours. A switch, not a
    /// table: building a dictionary of closures costs more start-up time than the whole parse.
    static func run(_ name: String, _ argv: [String]) -> Int32? {
        if name.hasSuffix("tables-swift"), argv.count > 1, let status = subcommand(name, argv) { return status }
        switch name {
        case "iptables", "iptables-swift": return IPTablesTool.main(family: .ipv4, arguments: argv)
        case "ip6tables", "ip6tables-swift": return IPTablesTool.main(family: .ipv6, arguments: argv)
        case "iptables-save", "iptables-swift-save": return SaveTool.main(family: .ipv4, arguments: argv)
        case "ip6tables-save", "ip6tables-swift-save": return SaveTool.main(family: .ipv6, arguments: argv)
        case "iptables-restore", "iptables-swift-restore": return RestoreTool.main(family: .ipv4, arguments: argv)
        case "ip6tables-restore", "ip6tables-swift-restore": return RestoreTool.main(family: .ipv6, arguments: argv)
        case "iptables-xml", "iptables-swift-xml", "xml": return XMLTool.main(arguments: argv)
        default: return nil
        }
    }

    /// The iptables-swift subcommands: a first word that names one runs it; anything else
    /// is iptables as always (nil).
    private static func subcommand(_ name: String, _ argv: [String]) -> Int32? {
        let family: Family = name.hasPrefix("ip6") ? .ipv6 : .ipv4
        switch argv[1] {
        case "check": return CheckTool.main(defaultFamily: family, arguments: argv)
        case "diff": return DiffTool.main(defaultFamily: family, arguments: argv)
        case "apply": return ApplyTool.main(arguments: argv)
        case "confirm": return ConfirmTool.main(arguments: argv)
        case "status": return StatusTool.main(arguments: argv)
        case "save": return saveSubcommand(family, Array(argv.dropFirst(2)))
        case "graph": return GraphTool.main(defaultFamily: family, arguments: argv)
        default: return nil
        }
    }

    /// `iptables-swift save [-4|-6] [save options] [--json]`: JSON through the helper,
    /// otherwise iptables-save of the family.
    private static func saveSubcommand(_ family: Family, _ words: [String]) -> Int32 {
        let chosen: Family = words.contains("-6") ? .ipv6 : words.contains("-4") ? .ipv4 : family
        if words.contains("--json") { return JSONHelper.save(family: chosen, arguments: words) }
        let rest = words.filter { $0 != "-4" && $0 != "-6" }
        return SaveTool.main(family: chosen, arguments: [chosen.toolName + "-save"] + rest)
    }

    /// The whole program: the exit status for argv.
    public static func main(_ argv: [String]) -> Int32 {
        if let status = run(basename(argv.first ?? ""), argv) { return status }
        if argv.count > 1, let status = run(basename(argv[1]), Array(argv.dropFirst())) { return status }
        var text = "ERROR: No valid subcommand given.\nValid subcommands:\n"
        for name in toolNames { text += " * \(name)\n" }
        StandardError().write(text)
        return 1
    }

    /// What follows the last "/" (all of it without one). Not `split`: an array of
    /// substrings has its type metadata made at run time, at every start.
    private static func basename(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }
}
