import Glibc

/// `iptables-swift apply [--confirm SECONDS] [--no-check] [-4 FILE] [-6 FILE]` and
/// `apply --pending`; `iptables-swift confirm`. Exit: 0 applied (and confirmed), 1 failed
/// (nothing changed, or rolled back), 2 usage, 4 lock, 5 rolled back for want of confirmation.
public enum ApplyTool {
    /// The status of an apply rolled back because no confirmation came.
    public static let rolledBackUnconfirmed: Int32 = 5

    static let usage = """
        Usage: iptables-swift apply [--confirm SECONDS] [--no-check] [-4 FILE] [-6 FILE]
               iptables-swift apply --pending
               iptables-swift confirm
          Checks the files (iptables-swift check), takes the xtables lock once, reads every
          table of both families, restores the files table by table and, if any table fails,
          puts every table back: all or nothing. Without -4/-6: /etc/iptables/rules.v4 and
          rules.v6, those that exist. --confirm: rolls back after SECONDS unless confirmed
          (at the terminal, or with `iptables-swift confirm` from another shell).
          Exit status: 0 applied, 1 failed (nothing changed or rolled back), 2 usage,
          4 lock, 5 rolled back for want of confirmation.

        """

    struct Request {
        var files: [(Family, String)] = []
        var confirm: Int?
        var check = true
        var pending = false
    }

    /// The subcommand; `arguments[1]` is "apply".
    public static func main(arguments: [String]) -> Int32 {
        XtablesProcess.runAsTool()
        let request: Request
        do {
            guard let r = try parse(Array(arguments.dropFirst(2))) else { StandardOutput().write(usage); return 0 }
            request = r
        } catch let e as CheckTool.UsageError {
            return fail("\(e.message)\n" + usage, status: 2)
        } catch {
            return 2
        }
        if request.pending { return showPending() }
        return run(request)
    }

    static func parse(_ words: [String]) throws -> Request? {
        var r = Request()
        var i = 0
        func value() throws -> String {
            guard i < words.count else { throw CheckTool.UsageError(message: "\(words[i - 1]) needs a value") }
            i += 1
            return words[i - 1]
        }
        while i < words.count {
            let w = words[i]
            i += 1
            switch w {
            case "-4": r.files.append((.ipv4, try value()))
            case "-6": r.files.append((.ipv6, try value()))
            case "--confirm":
                guard let n = Int(try value()), n > 0 else { throw CheckTool.UsageError(message: "--confirm needs a number of seconds above 0") }
                r.confirm = n
            case "--no-check": r.check = false
            case "--pending": r.pending = true
            case "-h", "--help": return nil
            default: throw CheckTool.UsageError(message: "unknown argument `\(w)'")
            }
        }
        if r.files.isEmpty && !r.pending {
            for (f, path) in [(Family.ipv4, "/etc/iptables/rules.v4"), (.ipv6, "/etc/iptables/rules.v6")]
            where access(path, R_OK) == 0 { r.files.append((f, path)) }
            if r.files.isEmpty { throw CheckTool.UsageError(message: "no rules files (-4/-6, or /etc/iptables/rules.v4 and rules.v6)") }
        }
        if Set(r.files.map(\.0.name)).count != r.files.count { throw CheckTool.UsageError(message: "one file per family") }
        return r
    }

    static func run(_ request: Request) -> Int32 {
        guard geteuid() == 0 else { return fail("changing the tables needs root", status: 3) }
        var files: [ApplyFile] = []
        for (family, path) in request.files {
            do {
                let text = try JSONHelper.restoreText(try TextFile.bytes(path), family: family, file: path)
                files.append(ApplyFile(family: family, path: path, text: text))
            } catch let e as IPTablesError {
                return fail(e.message, status: 2)
            } catch { return 2 }
        }
        if request.check, let status = check(files) { return status }
        let run = ApplyRun(files: files)
        var lock: XtablesLock?
        do { lock = try XtablesLock(wait: -1) } catch let e as IPTablesError {
            return fail(e.message.trimmingNewline(), status: 4)
        } catch { return 4 }
        // Under the lock from here to the timer's start: no other apply slips in between.
        defer { lock?.release() }
        if let p = PendingApply.current() {
            return fail("an apply is waiting for its confirmation (timer pid \(p.pid), rolls back in \(max(0, p.deadline - Int(time(nil)))) s): "
                        + "confirm it with `iptables-swift confirm` or let it roll back first", status: 1)
        }
        var summary: [String] = []
        do {
            try run.takeSnapshots()
            try run.apply()
            summary = try run.summary()
        } catch let f as ApplyFailure {
            StandardError().write(f.message)
            return fail("table `\(f.table)' (\(f.family.name), \(files.first { $0.family == f.family }?.path ?? "")) failed; "
                        + (f.rolledBack ? "every table is back as it was" : "ROLLBACK FAILED: the firewall may be half applied"), status: 1)
        } catch let e as IPTablesError {
            return fail(e.message.trimmingNewline(), status: 1)
        } catch {
            return 1
        }
        let out = StandardOutput()
        for line in summary { out.write(line + "\n") }
        out.flush()
        guard let seconds = request.confirm else { return 0 }
        let pid: Int32
        do { pid = try PendingApply.start(run: run, seconds: seconds, files: files) } catch let e as IPTablesError {
            run.rollBack(files[...])
            return fail(e.message + "; rolled back", status: 1)
        } catch { return 1 }
        lock?.release()
        lock = nil
        return awaitConfirmation(run: run, files: files, seconds: seconds, timer: pid)
    }

    /// The check of every file before anything is touched; a status when it fails.
    private static func check(_ files: [ApplyFile]) -> Int32? {
        var bad = false
        for f in files {
            guard let checker = try? RulesetChecker(family: f.family),
                  let report = try? checker.check(f.text, file: f.path) else { return fail("cannot check \(f.path)", status: 1) }
            for d in report.diagnostics where d.severity == .error { StandardError().write(DiagnosticFormat.text(d)) }
            bad = bad || report.hasErrors
        }
        return bad ? fail("nothing applied: the files have errors", status: 1) : nil
    }

    /// With the timer started: at a terminal asks, elsewhere leaves it to `confirm`.
    private static func awaitConfirmation(run: ApplyRun, files: [ApplyFile], seconds: Int, timer pid: Int32) -> Int32 {
        let err = StandardError()
        guard isatty(STDIN_FILENO) != 0 else {
            err.write("iptables-swift apply: applied; rolled back in \(seconds) s unless `iptables-swift confirm` runs (timer pid \(pid))\n")
            return 0
        }
        err.write("Keep the new rules? Type yes within \(seconds) s (or run `iptables-swift confirm`), anything else rolls back: ")
        let answer = readLine(until: Int(time(nil)) + seconds)
        if let a = answer, a == "yes" || a == "y" {
            if PendingApply.confirm() {
                err.write("iptables-swift apply: confirmed, the new rules stay\n")
                return 0
            }
        } else if answer != nil {
            PendingApply.rollBackNow()
        } else {
            err.write("\n")
        }
        // Wait for the timer's verdict (it is this process's child).
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard let result = TextFile.read(PendingApply.resultPath)?.trimmingNewline() else {
            // The timer died without a word: this process still has the snapshot.
            unlink(PendingApply.pendingPath)
            let lock = try? XtablesLock(wait: -1)
            let ok = run.rollBack(files[...])
            lock?.release()
            err.write("iptables-swift apply: the rollback timer died; " + (ok ? "rolled back here\n" : "ROLLBACK FAILED\n"))
            return ok ? rolledBackUnconfirmed : 1
        }
        err.write("iptables-swift apply: \(result)\n")
        return result == "confirmed" ? 0 : result.hasPrefix("rolled back") ? rolledBackUnconfirmed : 1
    }

    /// A line from standard input before the deadline; nil on timeout or end of input.
    private static func readLine(until deadline: Int) -> String? {
        var line: [UInt8] = []
        while true {
            let left = deadline - Int(time(nil))
            if left <= 0 { return nil }
            var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let n = poll(&p, 1, Int32(min(left, 1) * 1000))
            if n <= 0 { continue }
            var byte: UInt8 = 0
            if read(STDIN_FILENO, &byte, 1) != 1 { return nil }
            if byte == 0x0A { return String(decoding: line, as: UTF8.self).lowercased() }
            line.append(byte)
        }
    }

    /// `apply --pending`: the waiting apply, or the outcome of the last one.
    private static func showPending() -> Int32 {
        let out = StandardOutput()
        defer { out.flush() }
        if let p = PendingApply.current() {
            out.write("pending: rolls back in \(max(0, p.deadline - Int(time(nil)))) s unless confirmed (timer pid \(p.pid))\n")
            for f in p.files { out.write("  \(f)\n") }
            return 0
        }
        out.write("nothing pending\n")
        if let r = TextFile.read(PendingApply.resultPath) { out.write("last: \(r)") }
        return 1
    }

    private static func fail(_ message: String, status: Int32) -> Int32 {
        StandardError().write("iptables-swift apply: \(message.hasSuffix("\n") ? message : message + "\n")")
        return status
    }
}

/// `iptables-swift confirm`: keeps the rules of the apply that waits for it.
public enum ConfirmTool {
    public static func main(arguments: [String]) -> Int32 {
        if PendingApply.confirm() {
            StandardOutput().write("confirmed: the rules of the pending apply stay\n")
            return 0
        }
        StandardError().write("iptables-swift confirm: no apply is waiting for a confirmation\n")
        return 1
    }
}
