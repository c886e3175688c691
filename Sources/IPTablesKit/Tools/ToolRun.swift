/// Runs one tool invocation: a context for its family, the body, and every error
/// rendered once, here, as iptables prints it; then stdout is flushed. Nothing below
/// this prints an error or exits.
enum ToolRun {
    /// `words`: the command line, for the located message a terminal gets.
    static func run(family: Family, programName: String, words: CommandWords? = nil,
                    _ body: (XtablesContext, inout ErrorRenderer) throws -> Int32) -> Int32 {
        var renderer = ErrorRenderer(programName: programName, version: XtablesVersion.string)
        XtablesProcess.runAsTool()
        let output = StandardOutput()
        var status: Int32
        do {
            let context = try XtablesContext(family: family, programName: programName,
                                             output: output, diagnostics: StandardError())
            status = try body(context, &renderer)
        } catch let e as IPTablesError {
            StandardError().write(renderer.render(e))
            if TerminalDiagnostic.wanted {
                if let d = renderer.located ?? words.flatMap({ TerminalDiagnostic.command(e, arguments: $0.strings, family: family) }) {
                    StandardError().write(DiagnosticFormat.located(d))
                }
            }
            status = e.status.rawValue
        } catch {
            status = 1
        }
        output.flush()
        return status
    }
}

extension IPTablesError {
    /// A kernel failure with libiptc's text for its errno filled in from the table.
    func described(by session: TableSession) -> IPTablesError {
        guard kind == .kernel, message.isEmpty, let err = errno else { return self }
        var e = self
        e.message = session.message(for: err)
        return e
    }
}
