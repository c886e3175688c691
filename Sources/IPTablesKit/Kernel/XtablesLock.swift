import Glibc

/// The xtables lock shared by every iptables on the machine: flock on
/// /run/xtables.lock (or $XTABLES_LOCKFILE), with iptables-legacy 1.8.9's waiting rules.
/// Held while the value lives; `release()` (or deinit) gives it back. Holders in one
/// process share one lock (a second flock of the same file from the same process would
/// wait for itself); the file is closed when the last of them lets go.
final class XtablesLock {
    /// The descriptor holding the lock for this process, and how many hold it.
    private static var shared: (fd: Int32, holders: Int)?
    private var held = true

    static var path: String {
        if let p = getenv("XTABLES_LOCKFILE"), p[0] != 0 { return String(cString: p) }
        return "/run/xtables.lock"
    }

    /// In a forked child: closes the lock descriptor inherited from the parent (it would
    /// hold the parent's lock for as long as the child lives) and forgets it.
    static func forgetInherited() {
        if let s = shared { close(s.fd) }
        shared = nil
    }

    /// Takes the lock. `wait`: 0 (no -w) and -1 (-w alone) wait forever; N gives up after N s.
    init(wait: Int32) throws {
        if let s = XtablesLock.shared {
            XtablesLock.shared = (s.fd, s.holders + 1)
            return
        }
        XtablesLock.shared = (try XtablesLock.acquire(wait: wait), 1)
    }

    /// Opens the file and waits for the lock as iptables does; the descriptor holding it.
    private static func acquire(wait: Int32) throws -> Int32 {
        let file = path
        let fd = open(file, O_CREAT, 0o600)
        if fd < 0 {
            throw IPTablesError(.resource, "Fatal: can't open lock file \(file): \(String(cString: strerror(errno)))\n", style: .plain)
        }
        // At a terminal, a wait longer than a second names the holder (not for -w 1, which
        // gives up at that second anyway); the second spent counts towards -w N.
        var seconds = wait
        if isatty(2) != 0, wait != 1 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
            if errno == EWOULDBLOCK {
                if waitNamingHolder(fd) { return fd }
                if seconds > 1 { seconds -= 1 }
            }
        }
        let (locked, failure) = flockWaiting(fd, seconds: seconds)
        if locked { return fd }
        var err = failure
        if err == EINTR { err = EWOULDBLOCK }
        var text = "Can't lock \(file): \(String(cString: strerror(err)))\n"
        text += "Another app is currently holding the xtables lock. "
        text += wait == 0 ? "Perhaps you want to use the -w option?\n" : "Stopped waiting after \(wait)s.\n"
        close(fd)
        throw IPTablesError(.resource, text, style: .plain)
    }

    /// flock(LOCK_EX), given up after `seconds` (0 and -1: never); whether it was taken, and errno.
    private static func flockWaiting(_ fd: Int32, seconds: Int32) -> (Bool, Int32) {
        var previous = sigaction()
        if seconds != -1 { armAlarm(seconds: seconds, saving: &previous) }
        let locked = flock(fd, LOCK_EX) == 0
        let err = errno
        if seconds != -1 {
            alarm(0)
            sigaction(SIGALRM, &previous, nil)
        }
        return (locked, err)
    }

    /// At a terminal, when the lock is busy: waits one second, and if it is still busy says
    /// once who holds it (iptables-legacy waits in silence; no script reads a terminal).
    /// Whether the lock was taken within that second.
    private static func waitNamingHolder(_ fd: Int32) -> Bool {
        if flockWaiting(fd, seconds: 1).0 { return true }
        let holder = LockHolder.of(descriptor: fd)?.description ?? "another process"
        StandardError().write("Another app is currently holding the xtables lock: \(holder). Waiting for it...\n")
        return false
    }

    /// SIGALRM after the given seconds interrupts flock (0 arms nothing, as alarm(0));
    /// the handler it replaces is kept in `previous`.
    private static func armAlarm(seconds: Int32, saving previous: inout sigaction) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
        sigemptyset(&action.sa_mask)
        sigaction(SIGALRM, &action, &previous)
        alarm(UInt32(bitPattern: seconds))
    }

    /// Gives this holder's share of the lock back now.
    func release() {
        guard held, let s = XtablesLock.shared else { return }
        held = false
        if s.holders > 1 {
            XtablesLock.shared = (s.fd, s.holders - 1)
        } else {
            close(s.fd)
            XtablesLock.shared = nil
        }
    }

    deinit { release() }
}
