/// Chooses the tool by the basename of argv[0], or by the first argument
/// (`xtables-swift-multi iptables -L`), as xtables-legacy-multi does.
public enum Dispatcher {
    typealias Tool = (Family, [String]) -> Int32

    static let tools: [String: (Family, Tool)] = [
        "iptables": (.ipv4, IPTablesTool.main),
        "ip6tables": (.ipv6, IPTablesTool.main),
        "iptables-save": (.ipv4, SaveTool.main),
        "ip6tables-save": (.ipv6, SaveTool.main),
        "iptables-restore": (.ipv4, RestoreTool.main),
        "ip6tables-restore": (.ipv6, RestoreTool.main),
        // The names registered with update-alternatives (scripts/install --alternatives).
        "iptables-swift": (.ipv4, IPTablesTool.main),
        "ip6tables-swift": (.ipv6, IPTablesTool.main),
        "iptables-swift-save": (.ipv4, SaveTool.main),
        "ip6tables-swift-save": (.ipv6, SaveTool.main),
        "iptables-swift-restore": (.ipv4, RestoreTool.main),
        "ip6tables-swift-restore": (.ipv6, RestoreTool.main),
    ]

    /// Every tool name the multi-call binary answers to.
    public static var toolNames: [String] { tools.keys.sorted() }

    public static func main(_ argv: [String]) -> Int32 {
        if let (family, tool) = tools[basename(argv.first ?? "")] { return tool(family, argv) }
        if argv.count > 1, let (family, tool) = tools[basename(argv[1])] {
            return tool(family, Array(argv.dropFirst()))
        }
        var text = "ERROR: No valid subcommand given.\nValid subcommands:\n"
        for name in toolNames { text += " * \(name)\n" }
        Out.error(text)
        return 1
    }

    private static func basename(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }
}
