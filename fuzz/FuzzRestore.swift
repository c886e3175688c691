// Fuzz target: a whole iptables-restore input run on tables in memory, then saved. The
// first byte picks restore's options (bit 0 --counters, bit 1 --noflush, bit 2 --verbose,
// bit 3 --test); the rest is the file. Compiled with the library's sources by scripts/fuzz;
// FUZZ_FAMILY=ipv6 fuzzes ip6tables-restore.
import Glibc

private let fuzzFamily: Family = getenv("FUZZ_FAMILY").map { String(cString: $0) } == "ipv6" ? .ipv6 : .ipv4
/// One context for the whole run, as a long-lived library user would keep it.
private let fuzzContext = try! XtablesContext(family: fuzzFamily, programName: fuzzFamily.toolName + "-restore",
                                              output: TextSink(), diagnostics: TextSink())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRestore(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let flags = data[0]
    var args = [fuzzFamily.toolName + "-restore"]
    if flags & 1 != 0 { args.append("--counters") }
    if flags & 2 != 0 { args.append("--noflush") }
    if flags & 4 != 0 { args.append("--verbose") }
    if flags & 8 != 0 { args.append("--test") }
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let context = fuzzContext
    context.output = TextSink()
    context.diagnostics = TextSink()
    context.programName = args[0]
    let tables = MemoryTables()
    var renderer = ErrorRenderer(programName: args[0], version: XtablesVersion.string)
    _ = try? RestoreTool.run(args, context: context, tables: tables, renderer: &renderer, input: text)
    context.programName = fuzzFamily.toolName + "-save"
    _ = try? SaveTool.run([context.programName, "-c"], context: context, tables: tables, clock: { "\n" })
    return 0
}
