import CXtables
import Glibc

/// Runs work in a child process that has a network namespace of its own: its x_tables
/// are empty and private, so committing there asks the kernel's own checks without
/// touching the host's tables. As root a new net namespace is enough; as another user the
/// child first enters a new user namespace in which it is root (as `unshare -U -r -n`).
/// The caller's process never changes namespace.
enum PrivateNetwork {
    /// Why the namespace could not be made.
    struct Unavailable: Error {
        let reason: String
    }

    /// What the child sent back and how it ended.
    struct Outcome {
        var output: [UInt8]
        /// The child's exit status, or nil when a signal ended it.
        var status: Int32?
    }

    /// Forks, enters the namespaces in the child, runs `work` there and returns what it
    /// wrote to the pipe it is given. Throws `Unavailable` when the namespace cannot be
    /// entered (the child says why). Standard output is flushed first, so the child does
    /// not write the parent's buffered text a second time.
    static func run(_ work: (Int32) -> Int32) throws -> Outcome {
        fflush(nil)
        var fds: [Int32] = [0, 0]
        // Close-on-exec: a modprobe the child may start must not hold the parent's read open.
        guard shim_pipe_cloexec(&fds) == 0 else { throw Unavailable(reason: "pipe: \(String(cString: strerror(errno)))") }
        let pid = fork()
        if pid < 0 {
            close(fds[0]); close(fds[1])
            throw Unavailable(reason: "fork: \(String(cString: strerror(errno)))")
        }
        if pid == 0 {
            close(fds[0])
            if let reason = enter() {
                writeAll(fds[1], Array(("\u{0}" + reason).utf8))
                _exit(99)
            }
            let status = work(fds[1])
            fflush(nil)
            _exit(status)
        }
        close(fds[1])
        let output = readAll(fds[0])
        close(fds[0])
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let exited = raw & 0x7F == 0
        let status: Int32? = exited ? (raw >> 8) & 0xFF : nil
        if status == 99, output.first == 0 {
            throw Unavailable(reason: String(decoding: output.dropFirst(), as: UTF8.self))
        }
        return Outcome(output: output, status: status)
    }

    /// In the child: a new net namespace, inside a new user namespace unless already
    /// root. nil on success, else why not.
    private static func enter() -> String? {
        if geteuid() == 0 {
            return shim_unshare_network(false) == 0 ? nil : "cannot create a network namespace: \(String(cString: strerror(errno)))"
        }
        let uid = geteuid(), gid = getegid()
        guard shim_unshare_network(true) == 0 else {
            return "user namespaces are not allowed here (unshare: \(String(cString: strerror(errno))))"
        }
        guard writeFile("/proc/self/setgroups", "deny"),
              writeFile("/proc/self/uid_map", "0 \(uid) 1"),
              writeFile("/proc/self/gid_map", "0 \(gid) 1") else {
            return "cannot map the user to root in a new user namespace: \(String(cString: strerror(errno)))"
        }
        return nil
    }

    private static func writeFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return write(fd, bytes, bytes.count) == bytes.count
    }

    /// Writes every byte (the pipe may take them in parts).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }
}
