import Glibc

/// The kernel's log lines written while a table is committed (`/dev/kmsg`, root only):
/// x_tables says there why it refused a rule ("DNAT target: only valid in nat table, not
/// filter"). The log is the host's and rate-limited: what it gives is a bonus.
final class KernelLog {
    private let fd: Int32

    /// Opens the log positioned at its end; nil when it cannot be read (not root).
    init?() {
        guard geteuid() == 0 else { return nil }
        let fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard lseek(fd, 0, SEEK_END) >= 0 else { close(fd); return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The netfilter messages written since the log was opened (or last read), without
    /// the record prefix ("6,1234,5678,-;").
    func netfilterLines() -> [String] {
        var lines: [String] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EPIPE { continue }  // records overwritten: go on with the next
            if n <= 0 { break }
            let record = String(decoding: buffer[0..<n], as: UTF8.self)
            guard let semicolon = record.firstIndex(of: ";") else { continue }
            let text = record[record.index(after: semicolon)...].prefix { $0 != "\n" }
            if KernelLog.isNetfilter(text) { lines.append(String(text)) }
        }
        return lines
    }

    /// Whether a log message comes from x_tables or one of its extensions.
    static func isNetfilter(_ text: Substring) -> Bool {
        for prefix in ["x_tables:", "xt_", "ip_tables:", "ip6_tables:", "ipt_", "ip6t_", "nf_", "iptable_", "ip6table_"]
        where text.hasPrefix(prefix) { return true }
        return text.containsText(" target: ") || text.containsText(" match: ")
    }
}
