import Glibc

/// Whole files, read in one go: rules files the subcommands check, diff and apply ("-" is
/// standard input), and small system and state files (/proc/locks, /proc/PID/cmdline,
/// modules.builtin, the alternatives' admin files, the pending apply's files).
public enum TextFile {
    /// The bytes of a file, or of standard input for "-"; throws the reason it cannot be read.
    public static func bytes(_ file: String) throws -> [UInt8] {
        let fd = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IPTablesError(.other, "cannot open \(file): \(String(cString: strerror(errno)))", style: .plain)
        }
        defer { if fd != 0 { close(fd) } }
        guard let bytes = contents(of: fd) else {
            throw IPTablesError(.other, "cannot read \(file): \(String(cString: strerror(errno)))", style: .plain)
        }
        return bytes
    }

    /// Everything left to read from a descriptor (a file, a pipe); nil with errno set when
    /// a read fails.
    static func contents(of fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<n])
        }
    }

    /// A file's contents as UTF-8 text (invalid bytes replaced); nil when it cannot be read.
    static func read(_ path: String) -> String? {
        guard path != "-", let b = try? bytes(path) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }
}
