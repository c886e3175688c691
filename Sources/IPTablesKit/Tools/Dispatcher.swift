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
    /// The everyday tools read the words in place; the others take them as strings.
    static func run(_ name: String, _ words: CommandWords) -> Int32? {
        if name.hasSuffix("tables-swift"), words.count > 1, let status = subcommand(name, words) { return status }
        switch name {
        case "iptables", "iptables-swift": return IPTablesTool.main(family: .ipv4, words: words)
        case "ip6tables", "ip6tables-swift": return IPTablesTool.main(family: .ipv6, words: words)
        case "iptables-save", "iptables-swift-save": return SaveTool.main(family: .ipv4, words: words)
        case "ip6tables-save", "ip6tables-swift-save": return SaveTool.main(family: .ipv6, words: words)
        case "iptables-restore", "iptables-swift-restore": return RestoreTool.main(family: .ipv4, words: words)
        case "ip6tables-restore", "ip6tables-swift-restore": return RestoreTool.main(family: .ipv6, words: words)
        case "iptables-xml", "iptables-swift-xml", "xml": return XMLTool.main(arguments: words.strings)
        default: return nil
        }
    }

    /// The iptables-swift subcommands: a first word that names one runs it; anything else
    /// is iptables as always (nil).
    private static func subcommand(_ name: String, _ words: CommandWords) -> Int32? {
        let family: Family = name.hasPrefix("ip6") ? .ipv6 : .ipv4
        switch words[1] {
        case "check": return CheckTool.main(defaultFamily: family, arguments: words.strings)
        case "diff": return DiffTool.main(defaultFamily: family, arguments: words.strings)
        case "apply": return ApplyTool.main(arguments: words.strings)
        case "confirm": return ConfirmTool.main(arguments: words.strings)
        case "status": return StatusTool.main(arguments: words.strings)
        case "save": return saveSubcommand(family, Array(words.strings.dropFirst(2)))
        case "graph": return GraphTool.main(defaultFamily: family, arguments: words.strings)
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

    /// The whole program: the exit status for the process's words.
    public static func main(_ words: CommandWords) -> Int32 {
        if words.count > 0, let status = run(basename(words[0]), words) { return status }
        if words.count > 1, let status = run(basename(words[1]), words.droppingFirst) { return status }
        var text = "ERROR: No valid subcommand given.\nValid subcommands:\n"
        for name in toolNames { text += " * \(name)\n" }
        StandardError().write(text)
        return 1
    }

    /// The same for words given as strings (copied into a C argv for the run): for a
    /// program that embeds the tools and has its command line as an array.
    public static func main(_ argv: [String]) -> Int32 {
        CArgv.withWords(argv) { main($0) }
    }

    /// What follows the last "/" (all of it without one). Not `split`: an array of
    /// substrings has its type metadata made at run time, at every start.
    private static func basename(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }
}
