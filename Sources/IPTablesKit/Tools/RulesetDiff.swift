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
        let memory = MemoryTables()
        try restore(base, into: memory, noflush: false)
        let before = try saved(memory)
        try restore(file, into: memory, noflush: noflush)
        let after = try saved(memory)
        return TableDiff.changes(from: SavedTables(before), to: SavedTables(after), tables: RulesetOutline(file).tableNames)
    }

    /// Restores a text into tables in memory (throws restore's error).
    private func restore(_ text: [UInt8], into memory: MemoryTables, noflush: Bool) throws {
        var renderer = ErrorRenderer(programName: context.programName, version: XtablesVersion.string)
        var arguments = [context.programName]
        if noflush { arguments.append("--noflush") }
        _ = try RestoreTool.run(arguments, context: context, tables: memory, renderer: &renderer,
                                input: String(decoding: text, as: UTF8.self))
    }

    /// The tables in memory as save text.
    private func saved(_ memory: MemoryTables) throws -> String {
        String(decoding: try SaveTool.text(context: context, tables: memory), as: UTF8.self)
    }
}
