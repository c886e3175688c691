import Glibc

/// Who holds the xtables lock: the process /proc/locks names for the lock file's flock.
/// Used to say whom a command is waiting for, and by `iptables-swift status`.
struct LockHolder: Equatable {
    /// The holder's PID as this PID namespace sees it; 0 when the holder lives in a
    /// namespace this one cannot see.
    var pid: Int32
    /// Its command line, arguments joined by spaces ("" when it cannot be read).
    var commandLine: String

    /// How a message names it: "PID 1234 (iptables -w -A INPUT -j ACCEPT)".
    var description: String {
        if pid <= 0 { return "a process outside this PID namespace" }
        return commandLine.isEmpty ? "PID \(pid)" : "PID \(pid) (\(commandLine))"
    }

    /// The holder of the lock on the file at `path`, nil when nobody holds it (or the file
    /// does not exist).
    static func of(path: String) -> LockHolder? {
        var st = stat()
        guard stat(path, &st) == 0, let locks = TextFile.read("/proc/locks") else { return nil }
        return find(in: locks, device: st.st_dev, inode: st.st_ino)
    }

    /// The holder of the file whose lock descriptor is `fd`.
    static func of(descriptor fd: Int32) -> LockHolder? {
        var st = stat()
        guard fstat(fd, &st) == 0, let locks = TextFile.read("/proc/locks") else { return nil }
        return find(in: locks, device: st.st_dev, inode: st.st_ino)
    }

    /// The granted lock of /proc/locks text on one file. A line reads
    /// `1: FLOCK  ADVISORY  WRITE 1234 00:19:5678 0 EOF`; waiters' lines have `->` after
    /// the number and are skipped. The file is `major:minor:inode`, the device numbers in hex.
    static func find(in locks: String, device: UInt, inode: UInt) -> LockHolder? {
        let file = "\(hex2(major(device))):\(hex2(minor(device))):\(inode)"
        for line in locks.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] != "->", fields[5] == file else { continue }
            let pid = Int32(fields[4]) ?? 0
            return LockHolder(pid: pid, commandLine: pid > 0 ? commandLine(of: pid) : "")
        }
        return nil
    }

    /// /proc/PID/cmdline with its NUL separators as spaces.
    static func commandLine(of pid: Int32) -> String {
        guard let text = TextFile.read("/proc/\(pid)/cmdline") else { return "" }
        let words = text.split(separator: "\0", omittingEmptySubsequences: false)
        return words.joined(separator: " ").trimmingTrailingSpaces()
    }

    /// gnu_dev_major/gnu_dev_minor, which Swift cannot import (macros).
    private static func major(_ dev: UInt) -> UInt { ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt(0xfff)) }
    private static func minor(_ dev: UInt) -> UInt { (dev & 0xff) | ((dev >> 12) & ~UInt(0xff)) }

    /// At least two lower-case hex digits, as the kernel's "%02x".
    private static func hex2(_ v: UInt) -> String {
        let text = String(v, radix: 16)
        return text.count < 2 ? "0" + text : text
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
