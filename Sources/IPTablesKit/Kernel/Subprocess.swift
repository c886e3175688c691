import CXtables
import Glibc

/// Other programs the tools hand work to (the JSON helper, Graphviz's dot): run with
/// posix_spawn, never through a shell.
enum Subprocess {
    /// What a program left: its exit status (128 + the signal when one ended it), its
    /// standard output and its standard error.
    struct Result {
        var status: Int32
        var output: [UInt8]
        var errors: [UInt8]
    }

    /// Runs argv with `input` on its standard input. Input and standard error go through
    /// memory files and standard output through a pipe read to its end, so no pipe can fill
    /// up while the other side waits.
    static func run(_ argv: [String], input: [UInt8]? = nil) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let errors = shim_memory_file()
        guard errors >= 0 else { throw failure("cannot run \(argv[0])") }
        defer { close(errors) }
        posix_spawn_file_actions_adddup2(&actions, errors, 2)
        var memory: Int32 = -1
        defer { if memory >= 0 { close(memory) } }
        if let input {
            memory = shim_memory_file()
            guard memory >= 0, writeAll(memory, input), lseek(memory, 0, SEEK_SET) == 0 else {
                throw failure("cannot hand input to \(argv[0])")
            }
            posix_spawn_file_actions_adddup2(&actions, memory, 0)
        }
        var out: [Int32] = [-1, -1]
        guard shim_pipe_cloexec(&out) == 0 else { throw failure("pipe") }
        defer { close(out[0]) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        let spawned = Swift.Result(catching: { try spawn(argv, &actions) })
        close(out[1])
        let pid = try spawned.get()
        let output = TextFile.contents(of: out[0]) ?? []
        let status = try wait(pid)
        lseek(errors, 0, SEEK_SET)
        return Result(status: status, output: output, errors: TextFile.contents(of: errors) ?? [])
    }

    /// Replaces this process with argv (its output and exit status become the tool's);
    /// returns only when that fails, with the reason.
    static func exec(_ argv: [String]) -> IPTablesError {
        let c = CArgv(argv)
        fflush(nil)
        withExtendedLifetime(c) { _ = execv(argv[0], c.pointer) }
        return failure("cannot run \(argv[0])")
    }

    /// The path of this program's executable.
    static var executablePath: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether a file exists and is executable.
    static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    // MARK: - Helpers

    private static func spawn(_ argv: [String], _ actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        let c = CArgv(argv)
        var pid: pid_t = 0
        let rc = withExtendedLifetime(c) { posix_spawn(&pid, argv[0], &actions, nil, c.pointer, environ) }
        guard rc == 0 else { throw IPTablesError(.other, "cannot run \(argv[0]): \(String(cString: strerror(rc)))", style: .plain) }
        return pid
    }

    /// The exit status of a child; throws when it cannot be told (SIGCHLD ignored by
    /// whoever started us makes the kernel reap children unasked).
    private static func wait(_ pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw failure("cannot wait for a child process") }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var at = 0
        while at < bytes.count {
            let n = bytes[at...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            at += n
        }
        return true
    }

    private static func failure(_ what: String) -> IPTablesError {
        IPTablesError(.other, "\(what): \(String(cString: strerror(errno)))", style: .plain)
    }
}
