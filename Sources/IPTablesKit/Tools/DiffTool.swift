import Glibc

/// `iptables-swift diff [-4|-6] [-n] [--json] FILE`: what loading FILE would change, per
/// table and chain, as `+`/`-` save lines. Exit 0 no change, 1 changes, 2 error (diff(1)'s).
public enum DiffTool {
    static let usage = """
        Usage: iptables-swift diff [-4|-6] [-n|--noflush] [--json] FILE
          What iptables-restore [-n] FILE would change in the live tables (- reads standard
          input): chains created and deleted, policies, rules removed and added, as +/- lines
          in iptables-save syntax under each table the file names. Needs root (to read them).
          Exit status: 0 no change, 1 changes, 2 trouble.

        """

    /// The subcommand; `arguments[1]` is "diff".
    public static func main(defaultFamily: Family, arguments: [String]) -> Int32 {
        XtablesProcess.runAsTool()
        var family: Family?
        var json = false, noflush = false
        var files: [String] = []
        for w in arguments.dropFirst(2) {
            switch w {
            case "-4", "--ipv4": family = .ipv4
            case "-6", "--ipv6": family = .ipv6
            case "--json": json = true
            case "-n", "--noflush": noflush = true
            case "-h", "--help": StandardOutput().write(usage); return 0
            default:
                if w.hasPrefix("-") && w != "-" { return fail("unknown option `\(w)'\n" + usage) }
                files.append(w)
            }
        }
        guard files.count == 1 else { return fail("one FILE is needed\n" + usage) }
        let text: [UInt8]
        do {
            text = try JSONHelper.restoreText(try TextFile.bytes(files[0]), family: family, file: files[0])
        } catch let e as IPTablesError { return fail(e.message) } catch { return 2 }
        let chosen = family ?? RulesetOutline.savedFamily(text) ?? defaultFamily
        guard geteuid() == 0 else { return fail("reading the live tables needs root") }
        do {
            let differ = try RulesetDiff(family: chosen)
            let changes = try differ.changes(from: try differ.liveText(), applying: text, noflush: noflush)
            let out = StandardOutput()
            out.write(json ? DiffFormat.json(changes) : DiffFormat.text(changes))
            out.flush()
            return changes.isEmpty ? 0 : 1
        } catch let e as IPTablesError {
            let renderer = ErrorRenderer(programName: chosen.toolName + "-restore", version: XtablesVersion.string,
                                         line: e.location?.line)
            StandardError().write("iptables-swift diff: \(files[0]): " + renderer.render(e))
            return 2
        } catch {
            return 2
        }
    }

    private static func fail(_ message: String) -> Int32 {
        StandardError().write("iptables-swift diff: \(message.hasSuffix("\n") ? message : message + "\n")")
        return 2
    }
}
