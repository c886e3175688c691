import Glibc

/// `iptables-swift check [-4|-6] [-n] [-c] [--max-errors N] [--json] FILE...`: validates
/// rules files without root and without touching the host's tables. Diagnostics go to
/// standard output (they are what the command is for); usage errors to standard error.
/// Exit 0 valid, 1 invalid, 2 usage, 3 a stage could not run.
public enum CheckTool {
    /// What the command line asked for.
    struct Request {
        var family: Family?
        var options = CheckOptions()
        var json = false
        var files: [String] = []
    }

    /// The whole subcommand; `arguments[0]` is the program, `arguments[1]` "check".
    /// `defaultFamily`: the family of the name it was called by.
    public static func main(defaultFamily: Family, arguments: [String]) -> Int32 {
        XtablesProcess.runAsTool()
        let request: Request
        do {
            guard let r = try parse(Array(arguments.dropFirst(2))) else {
                StandardOutput().write(usage)
                return 0
            }
            request = r
        } catch let e as UsageError {
            StandardError().write("iptables-swift check: \(e.message)\n" + usage)
            return 2
        } catch {
            return 2
        }
        return run(request, defaultFamily: defaultFamily, output: StandardOutput())
    }

    struct UsageError: Error {
        let message: String
    }

    static let usage = """
        Usage: iptables-swift check [-4|-6] [-n|--noflush] [-c|--counters] [--max-errors N] [--json]
                                    [--userspace-only] FILE...
          Validates iptables-save files (- for standard input) without root and without
          touching the host: every line as iptables-restore parses it, then the tables
          committed in a private network namespace for the kernel's own checks.
          Exit status: 0 valid, 1 invalid, 2 usage, 3 a stage could not run.

        """

    /// The request of the words after "check"; nil for --help.
    static func parse(_ words: [String]) throws -> Request? {
        var r = Request()
        var i = 0
        var onlyFiles = false
        while i < words.count {
            let w = words[i]
            i += 1
            if onlyFiles || w == "-" || !w.hasPrefix("-") { r.files.append(w); continue }
            switch w {
            case "--": onlyFiles = true
            case "-4", "--ipv4": r.family = .ipv4
            case "-6", "--ipv6": r.family = .ipv6
            case "-n", "--noflush": r.options.noflush = true
            case "-c", "--counters": r.options.counters = true
            case "--json": r.json = true
            case "--userspace-only": r.options.kernelStage = false
            case "-h", "--help": return nil
            case "--max-errors":
                guard i < words.count, let n = Int(words[i]), n > 0 else { throw UsageError(message: "--max-errors needs a number above 0") }
                r.options.maxErrors = n
                i += 1
            default:
                if w.hasPrefix("--max-errors="), let n = Int(w.dropFirst(13)), n > 0 {
                    r.options.maxErrors = n
                } else {
                    throw UsageError(message: "unknown option `\(w)'")
                }
            }
        }
        if r.files.isEmpty { throw UsageError(message: "no file given (- reads standard input)") }
        return r
    }

    /// Checks every file and prints the findings; the exit status.
    static func run(_ request: Request, defaultFamily: Family, output: OutputSink) -> Int32 {
        var all: [Diagnostic] = []
        var status: Int32 = 0
        var checkers: [Family: RulesetChecker] = [:]
        for file in request.files {
            let report: CheckReport
            do {
                let text = try JSONHelper.restoreText(try TextFile.bytes(file), family: request.family, file: file)
                let family = request.family ?? RulesetOutline.savedFamily(text) ?? defaultFamily
                if checkers[family] == nil { checkers[family] = try RulesetChecker(family: family) }
                report = try checkers[family]!.check(text, file: file, options: request.options)
            } catch let e as IPTablesError {
                // A file that cannot be read is not checked: a usage problem (exit 2), said on stderr.
                StandardError().write("iptables-swift check: \(e.message.trimmingNewline())\n")
                if status != 1 { status = 2 }
                continue
            } catch {
                if status != 1 { status = 2 }
                continue
            }
            all += report.diagnostics
            if !request.json { for d in report.diagnostics { output.write(DiagnosticFormat.text(d)) } }
            status = report.hasErrors ? 1 : status == 1 || status == 2 ? status : report.complete ? status : 3
        }
        if request.json { output.write(DiagnosticFormat.json(all)) }
        output.flush()
        return status
    }
}
