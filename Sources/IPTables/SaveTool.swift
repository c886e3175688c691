/// iptables-save (placeholder until save is implemented below).
public enum SaveTool {
    public static func main(family: Family, arguments: [String]) -> Int32 { 1 }
}
/// iptables-restore (placeholder until restore is implemented below).
public enum RestoreTool {
    public static func main(family: Family, arguments: [String]) -> Int32 { 1 }
}
