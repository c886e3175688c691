// Fuzz target: one iptables command line (its words, split as restore splits a line) run
// on tables in memory. Covers the parser, every extension's option parser, the encoder, the
// command runner, the in-memory table and the -L/-S printers. Compiled into one module with
// the library's sources by scripts/fuzz; FUZZ_FAMILY=ipv6 fuzzes ip6tables.
import Glibc

private let fuzzFamily: Family = getenv("FUZZ_FAMILY").map { String(cString: $0) } == "ipv6" ? .ipv6 : .ipv4
/// One context for the whole run, as a long-lived library user would keep it.
private let fuzzContext = try! XtablesContext(family: fuzzFamily, programName: fuzzFamily.toolName,
                                              output: TextSink(), diagnostics: TextSink())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArgv(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let words = try? RestoreTokenizer.words(text), words.count < 200 else { return 0 }
    let context = fuzzContext
    context.output = TextSink()
    context.diagnostics = TextSink()
    let tables = MemoryTables()
    // A user chain and a rule first, so -X/-E/-D/-R/-L have something to act on.
    _ = try? IPTablesTool.run([fuzzFamily.toolName, "-N", "fuzz"], context: context, tables: tables)
    _ = try? IPTablesTool.run([fuzzFamily.toolName, "-A", "INPUT", "-j", "fuzz"], context: context, tables: tables)
    _ = try? IPTablesTool.run([fuzzFamily.toolName] + words, context: context, tables: tables)
    _ = try? IPTablesTool.run([fuzzFamily.toolName, "-S"], context: context, tables: tables)
    _ = try? IPTablesTool.run([fuzzFamily.toolName, "-L", "-n", "-v"], context: context, tables: tables)
    return 0
}
