import Glibc

/// The xtables lock shared by every iptables on the machine: flock on
/// /run/xtables.lock (or $XTABLES_LOCKFILE), with iptables-legacy 1.8.9's waiting rules.
/// Held while the value lives; `release()` (or deinit) gives it back.
final class XtablesLock {
    private var fd: Int32

    static var path: String {
        if let p = getenv("XTABLES_LOCKFILE"), p[0] != 0 { return String(cString: p) }
        return "/run/xtables.lock"
    }

    /// Takes the lock. `wait`: 0 (no -w) and -1 (-w alone) wait forever; N gives up after N s.
    init(wait: Int32) throws {
        let file = XtablesLock.path
        let fd = open(file, O_CREAT, 0o600)
        if fd < 0 {
            throw IPTablesError(.resource, "Fatal: can't open lock file \(file): \(String(cString: strerror(errno)))\n", style: .plain)
        }
        if wait != -1 { XtablesLock.armAlarm(seconds: wait) }
        if flock(fd, LOCK_EX) == 0 {
            self.fd = fd
            return
        }
        var err = errno
        if err == EINTR { err = EWOULDBLOCK }
        var text = "Can't lock \(file): \(String(cString: strerror(err)))\n"
        text += "Another app is currently holding the xtables lock. "
        text += wait == 0 ? "Perhaps you want to use the -w option?\n" : "Stopped waiting after \(wait)s.\n"
        close(fd)
        throw IPTablesError(.resource, text, style: .plain)
    }

    /// SIGALRM after the given seconds interrupts flock (0 arms nothing, as alarm(0)).
    private static func armAlarm(seconds: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
        sigemptyset(&action.sa_mask)
        sigaction(SIGALRM, &action, nil)
        alarm(UInt32(bitPattern: seconds))
    }

    /// Gives the lock back now.
    func release() {
        if fd >= 0 { close(fd); fd = -1 }
    }

    deinit { release() }
}
