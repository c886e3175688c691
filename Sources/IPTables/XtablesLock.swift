import Glibc

/// The xtables lock shared by every iptables on the machine: flock on
/// /run/xtables.lock (or $XTABLES_LOCKFILE), with iptables-legacy 1.8.9's waiting rules.
enum XtablesLock {
    static var path: String {
        if let p = getenv("XTABLES_LOCKFILE"), p[0] != 0 { return String(cString: p) }
        return "/run/xtables.lock"
    }

    /// Takes the lock. `wait`: 0 (no -w) and -1 (-w alone) wait forever; N gives up after N s.
    /// Returns the descriptor that holds it (closing it releases the lock).
    static func acquire(wait: Int32) throws -> Int32 {
        let file = path
        let fd = open(file, O_CREAT, 0o600)
        if fd < 0 {
            throw ToolError(.resource, "Fatal: can't open lock file \(file): \(String(cString: strerror(errno)))\n", style: .plain)
        }
        if wait != -1 {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in }
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(SIGALRM, &action, nil)
            alarm(UInt32(bitPattern: wait))
        }
        if flock(fd, LOCK_EX) == 0 { return fd }
        var err = errno
        if err == EINTR { err = EWOULDBLOCK }
        var text = "Can't lock \(file): \(String(cString: strerror(err)))\n"
        text += "Another app is currently holding the xtables lock. "
        text += wait == 0 ? "Perhaps you want to use the -w option?\n" : "Stopped waiting after \(wait)s.\n"
        close(fd)
        throw ToolError(.resource, text, style: .plain)
    }
}
