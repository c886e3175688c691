/// Rules for user chain names (-N, and -E's new name).
enum ChainName {
    static func validate(_ name: String, context: XtablesContext) throws {
        if name.utf8.count >= 29 {
            throw IPTablesError.parameter("chain name `\(name)' too long (must be under 29 chars)")
        }
        if let first = name.first, first == "-" || first == "!" {
            throw IPTablesError.parameter("chain name not allowed to start with `\(first)'")
        }
        if try context.isTargetExtension(name) {
            throw IPTablesError.parameter("chain name may not clash with target name")
        }
        if Names.hasSpace(name) {
            throw IPTablesError.parameter("Invalid chain name `\(name)'")
        }
    }
}
