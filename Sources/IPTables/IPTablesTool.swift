import CXtables
import Glibc

/// `iptables` / `ip6tables`: parse, lock, open the table, run, commit, report.
public enum IPTablesTool {
    public static func main(family: Family, arguments: [String]) -> Int32 {
        let name = family.toolName
        return Runtime.run(family: family, programName: name) { _ in
            let parser = RuleParser(family: family, programName: name, arguments: arguments, restore: false)
            guard case .run(let command) = try parser.parse() else { return 0 }
            defer { command.release() }
            let lock = try XtablesLock.acquire(wait: command.wait)
            defer { close(lock) }
            let session = try Runtime.openTable(family: family, table: command.table)
            session.freesHandle = false  // the process ends right after this command
            if try CommandRunner(command: command, session: session).run() && session.commit() { return 0 }
            Out.error(libiptcFailure(session.lastErrno, session: session, prefix: name))
            return session.lastErrno == EAGAIN ? ExitStatus.resource.rawValue : 1
        }
    }

    /// "iptables: No chain/target/match by that name." and its EINVAL variant.
    static func libiptcFailure(_ err: Int32, session: TableSession, prefix: String) -> String {
        let text = session.message(for: err)
        return err == EINVAL ? "\(prefix): \(text). Run `dmesg' for more information.\n" : "\(prefix): \(text).\n"
    }

}
