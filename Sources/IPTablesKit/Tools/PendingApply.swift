import Glibc

/// An `apply --confirm` waiting for its confirmation, kept in /run/iptables-swift: the
/// `pending` file (the timer's pid, the deadline, the files) exists while it waits; the
/// snapshot it rolls back to and the tables as applied lie beside it. `confirm` renames
/// `pending` away; the timer renames it to `rolling-back` at the deadline. Whichever rename
/// comes first wins, so a confirmation and a rollback never both happen.
enum PendingApply {
    static var directory: String {
        if let d = getenv("IPTABLES_SWIFT_RUNDIR"), d[0] != 0 { return String(cString: d) }
        return "/run/iptables-swift"
    }
    static var pendingPath: String { directory + "/pending" }
    static var confirmedPath: String { directory + "/confirmed" }
    static var rollingPath: String { directory + "/rolling-back" }
    static var rollbackNowPath: String { directory + "/rollback-now" }
    static var resultPath: String { directory + "/last-result" }
    static func snapshotPath(_ f: Family) -> String { directory + "/snapshot.\(f.name)" }
    static func appliedPath(_ f: Family) -> String { directory + "/applied.\(f.name)" }

    /// What the pending file says.
    struct State {
        var pid: Int32
        var deadline: Int
        var files: [String]
    }

    /// The pending apply, if one waits and its timer lives.
    static func current() -> State? {
        guard let text = TextFile.read(pendingPath) else { return nil }
        var s = State(pid: 0, deadline: 0, files: [])
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "pid": s.pid = Int32(parts[1]) ?? 0
            case "deadline": s.deadline = Int(parts[1]) ?? 0
            case "file": s.files.append(parts[1])
            default: break
            }
        }
        guard s.pid > 0, kill(s.pid, 0) == 0 || errno == EPERM else {
            unlink(pendingPath)  // its timer is gone (a reboot keeps nothing in /run)
            return nil
        }
        return s
    }

    /// Confirms the pending apply; false when none waits (it was rolled back or confirmed,
    /// or its timer is gone).
    static func confirm() -> Bool { current() != nil && rename(pendingPath, confirmedPath) == 0 }

    /// Asks the timer to roll back now (the answer at the terminal was no).
    static func rollBackNow() { _ = writeText(rollbackNowPath, "now\n") }

    /// Starts the detached timer and writes the pending state; the timer's pid.
    static func start(run: ApplyRun, seconds: Int, files: [ApplyFile]) throws -> Int32 {
        mkdir(directory, 0o700)
        for f in files {
            guard writeBytes(snapshotPath(f.family), run.snapshots[f.family] ?? []),
                  writeBytes(appliedPath(f.family), try run.appliedText(f.family)) else {
                throw IPTablesError(.other, "cannot write the snapshot in \(directory): \(String(cString: strerror(errno)))", style: .plain)
            }
        }
        unlink(resultPath)
        unlink(confirmedPath)
        unlink(rollbackNowPath)
        unlink(rollingPath)
        let deadline = Int(time(nil)) + seconds
        var go: [Int32] = [0, 0]
        guard pipe(&go) == 0 else { throw IPTablesError(.other, "pipe: \(String(cString: strerror(errno)))", style: .plain) }
        fflush(nil)
        let pid = fork()
        if pid < 0 { throw IPTablesError(.other, "fork: \(String(cString: strerror(errno)))", style: .plain) }
        if pid == 0 {
            close(go[1])
            XtablesLock.forgetInherited()
            detach()
            // Wait until the parent has written the pending file naming this process (a
            // byte); end of input means it could not.
            var byte: UInt8 = 0
            let n = read(go[0], &byte, 1)
            close(go[0])
            if n != 1 { _exit(1) }
            _exit(ConfirmTimer(run: run, files: files, deadline: deadline).wait())
        }
        close(go[0])
        defer { close(go[1]) }
        var state = "pid=\(pid)\ndeadline=\(deadline)\n"
        for f in files { state += "file=\(f.family.name) \(f.path)\n" }
        let temp = pendingPath + ".new"
        guard writeText(temp, state), rename(temp, pendingPath) == 0 else {
            kill(pid, SIGKILL)
            throw IPTablesError(.other, "cannot write \(pendingPath): \(String(cString: strerror(errno)))", style: .plain)
        }
        var byte: UInt8 = 1
        _ = write(go[1], &byte, 1)
        return pid
    }

    /// Leaves the caller's session and terminal: the timer survives the terminal, the SSH
    /// session and the process group of the apply being killed.
    private static func detach() {
        setsid()
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let null = open("/dev/null", O_RDWR)
        if null >= 0 {
            dup2(null, 0)
            dup2(null, 1)
            dup2(null, 2)
            if null > 2 { close(null) }
        }
        chdir("/")
    }

    @discardableResult
    static func writeText(_ path: String, _ text: String) -> Bool { writeBytes(path, Array(text.utf8)) }

    static func writeBytes(_ path: String, _ bytes: [UInt8]) -> Bool {
        guard let f = fopen(path, "we") else { return false }
        let ok = bytes.isEmpty || fwrite(bytes, 1, bytes.count, f) == bytes.count
        return fclose(f) == 0 && ok
    }
}

/// The detached process of `apply --confirm`: waits for the confirmation, else takes the
/// xtables lock again and puts the snapshot back (saying so when another writer changed the
/// tables since the apply), and records the outcome in `last-result`.
struct ConfirmTimer {
    let run: ApplyRun
    let files: [ApplyFile]
    let deadline: Int

    /// Waits; the exit status (0 confirmed, 5 rolled back, 1 rollback failed). Only a
    /// confirmation naming this timer keeps the rules: a pending file gone for any other
    /// reason rolls back (a safety timer fails towards the old rules).
    func wait() -> Int32 {
        var asked = false
        while Int(time(nil)) < deadline {
            if isConfirmed() { return confirmed() }
            if access(PendingApply.rollbackNowPath, F_OK) == 0 { asked = true; break }
            usleep(100_000)
        }
        if rename(PendingApply.pendingPath, PendingApply.rollingPath) != 0 && isConfirmed() { return confirmed() }
        let why = asked ? "the answer was not yes" : "no confirmation by \(clock(deadline))"
        defer { unlink(PendingApply.rollingPath); unlink(PendingApply.rollbackNowPath); unlink(PendingApply.pendingPath) }
        var note = ""
        do {
            let lock = try XtablesLock(wait: -1)
            defer { lock.release() }
            for f in files {
                let applied = SavedTables(TextFile.read(PendingApply.appliedPath(f.family)) ?? "")
                let now = SavedTables(String(decoding: try run.save(f.family, counters: false), as: UTF8.self))
                if !TableDiff.changes(from: applied, to: now, tables: f.tables).isEmpty {
                    note += "; \(f.family.name) tables were changed by another writer since the apply, rolled back all the same"
                }
            }
            let ok = run.rollBack(files[...])
            PendingApply.writeText(PendingApply.resultPath, (ok ? "rolled back: \(why)"
                                                                : "ROLLBACK FAILED: the firewall may be half applied") + note + "\n")
            return ok ? 5 : 1
        } catch {
            PendingApply.writeText(PendingApply.resultPath, "ROLLBACK FAILED: \(error)\n")
            return 1
        }
    }

    /// Whether `confirm` renamed this timer's pending file to `confirmed`.
    private func isConfirmed() -> Bool {
        guard let text = TextFile.read(PendingApply.confirmedPath) else { return false }
        return text.hasPrefix("pid=\(getpid())\n")
    }

    private func confirmed() -> Int32 {
        unlink(PendingApply.confirmedPath)
        PendingApply.writeText(PendingApply.resultPath, "confirmed\n")
        return 0
    }

    /// A time of day as HH:MM:SS (local time).
    func clock(_ t: Int) -> String {
        var seconds = time_t(t)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
