import XCTest
@testable import IPTablesKit

/// Runs the tools in-process on tables in memory: neither root nor the kernel is needed.
/// libxtables and getopt are process-global, and XCTest runs test methods one by one.
final class MemoryHarness {
    let tables = MemoryTables()
    let family: Family

    init(_ family: Family = .ipv4) { self.family = family }

    /// What one run printed and its exit status.
    struct Outcome: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a tool by name ("iptables", "iptables-save", "iptables-restore", and the
    /// ip6tables ones) with its arguments (and standard input, for restore).
    func run(_ tool: String, _ args: [String], input: String = "") throws -> Outcome {
        let out = TextSink(), err = TextSink()
        let context = try XtablesContext(family: family, programName: tool, output: out, diagnostics: err)
        var renderer = ErrorRenderer(programName: tool, version: XtablesVersion.string)
        var status: Int32
        do {
            status = try dispatch(tool, [tool] + args, context: context, input: input, renderer: &renderer)
        } catch let e as IPTablesError {
            err.write(renderer.render(e))
            status = e.status.rawValue
        }
        return Outcome(status: status, stdout: out.text, stderr: err.text)
    }

    private func dispatch(_ tool: String, _ argv: [String], context: XtablesContext, input: String,
                          renderer: inout ErrorRenderer) throws -> Int32 {
        if tool.hasSuffix("-save") {
            return try SaveTool.run(argv, context: context, tables: tables, clock: { "Sun Nov 29 00:00:00 2026\n" })
        }
        if tool.hasSuffix("-restore") {
            return try RestoreTool.run(argv, context: context, tables: tables, renderer: &renderer,
                                       input: input)
        }
        return try IPTablesTool.run(argv, context: context, tables: tables)
    }
}
