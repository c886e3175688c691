import CXtables
import Glibc

/// `iptables` / `ip6tables`: parse, lock, open the table, run, commit, report.
public enum IPTablesTool {
    public static func main(family: Family, arguments: [String]) -> Int32 {
        let name = family.toolName
        let renderer = ErrorRenderer(programName: name, version: Version.string)
        do {
            try Runtime.initialize(family: family, programName: name)
            let parser = RuleParser(family: family, programName: name, arguments: arguments, restore: false)
            guard case .run(let command) = try parser.parse() else { return finish(0) }
            defer { command.release() }
            let lock = try XtablesLock.acquire(wait: command.wait)
            defer { close(lock) }
            let session = try Runtime.openTable(family: family, table: command.table)
            let ok = try CommandRunner(command: command, session: session).run() && session.commit()
            if !ok {
                Out.error(libiptcFailure(session.lastErrno, session: session, prefix: name))
                return finish(session.lastErrno == EAGAIN ? ExitStatus.resource.rawValue : 1)
            }
            return finish(0)
        } catch let e as ToolError {
            Out.error(renderer.render(e))
            return finish(e.status.rawValue)
        } catch {
            return finish(1)
        }
    }

    /// "iptables: No chain/target/match by that name." and its EINVAL variant.
    static func libiptcFailure(_ err: Int32, session: TableSession, prefix: String) -> String {
        let text = session.message(for: err)
        return err == EINVAL ? "\(prefix): \(text). Run `dmesg' for more information.\n" : "\(prefix): \(text).\n"
    }

    private static func finish(_ status: Int32) -> Int32 {
        Out.flush()
        return status
    }
}

/// Process-wide set-up shared by every tool.
enum Runtime {
    private static var ready = false

    /// libxtables initialisation with our option table and contained error handler.
    static func initialize(family: Family, programName: String) throws {
        if ready { return }
        guard shim_init(family.nfproto, strdup(programName), BaseOptions.cTable(for: family)) == 0 else {
            throw ToolError(.other, "\(programName)/\(Version.string) Failed to initialize xtables\n", style: .plain)
        }
        ready = true
    }

    /// Opens a table for a command line tool, or fails as iptables does (exit 3).
    static func openTable(family: Family, table: String) throws -> TableSession {
        if let s = TableSession.open(family: family, table: table) { return s }
        let text = String(cString: family.tc.pointee.strerror!(errno)!)
        throw ToolError(.version, "can't initialize \(family.toolName) table `\(table)': \(text)")
    }
}
