import Glibc

/// What loading a rules file would change in the live tables of a family: both sides go
/// through the same encoder and printer (the live tables copied into memory, then the file
/// restored over the copy), so `-p tcp --dport 22` equals `-p tcp -m tcp --dport 22`.
/// Only the tables the file names are compared: a restore touches no other.
public final class RulesetDiff {
    let context: XtablesContext
    public var family: Family { context.family }

    /// A differ for a family (its messages are iptables-restore's).
    public init(family: Family) throws {
        context = try XtablesContext(family: family, programName: family.toolName + "-restore",
                                     output: DiscardSink(), diagnostics: DiscardSink())
    }

    /// The live tables as save text (root: the kernel's tables are read, not changed).
    func liveText() throws -> [UInt8] {
        try context.activate()
        return try SaveTool.text(context: context, tables: KernelTables())
    }

    /// The changes from `base` (save text) to what restoring `file` over it leaves, for the
    /// tables the file names. Throws the error restore would stop at (its location: the line).
    public func changes(from base: [UInt8], applying file: [UInt8], noflush: Bool = false) throws -> [TableChange] {
        try context.activate()
        let before = try savedThroughMemory([(base, false)])
        let after = try savedThroughMemory([(base, false), (file, noflush)])
        let named = RulesetOutline(file).blocks.map(\.table)
        var seen: Set<String> = []
        let tables = named.filter { seen.insert($0).inserted }
        return TableDiff.changes(from: SavedTables(before), to: SavedTables(after), tables: tables)
    }

    /// Restores the texts in turn into tables in memory, then saves them all.
    private func savedThroughMemory(_ inputs: [([UInt8], Bool)]) throws -> String {
        let memory = MemoryTables()
        for (text, noflush) in inputs {
            var renderer = ErrorRenderer(programName: context.programName, version: XtablesVersion.string)
            var arguments = [context.programName]
            if noflush { arguments.append("--noflush") }
            _ = try RestoreTool.run(arguments, context: context, tables: memory, renderer: &renderer,
                                    input: String(decoding: text, as: UTF8.self))
        }
        return String(decoding: try SaveTool.text(context: context, tables: memory), as: UTF8.self)
    }
}
