import Glibc

/// The JSON helper (`iptables-swift-json`, built from Sources/iptables-swift-json): the
/// multi-call binary never links Foundation, so `save --json` and JSON rules files are
/// handed over to it. It is looked for in PREFIX/libexec/iptables-swift/ beside the sbin
/// folder of this executable, then beside the executable itself (a build folder).
enum JSONHelper {
    /// The helper's path; throws a clear message when it is not installed.
    static func path() throws -> String {
        let name = "iptables-swift-json"
        if let exe = Subprocess.executablePath {
            let dir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)])
            let prefix = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
            for candidate in ["\(prefix)/libexec/iptables-swift/\(name)", "\(dir)/\(name)"] where Subprocess.isExecutable(candidate) {
                return candidate
            }
        }
        throw IPTablesError(.other, "the JSON helper \(name) is not installed (looked in PREFIX/libexec/iptables-swift)", style: .plain)
    }

    /// Whether a rules file is a JSON document: its first byte that is not white space is "{".
    static func isJSON(_ bytes: [UInt8]) -> Bool {
        bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == 0x7B
    }

    /// A rules file as iptables-restore text: save text as it is, a JSON document through
    /// the helper (its message on standard error, and a failure, when the document is bad).
    /// `family`: the family the file must be for (nil: the document's own).
    static func restoreText(_ bytes: [UInt8], family: Family?, file: String) throws -> [UInt8] {
        guard isJSON(bytes) else { return bytes }
        let argv = [try path(), "restore-text", "--name", file] + (family.map { [$0.isIPv6 ? "-6" : "-4"] } ?? []) + ["-"]
        let r = try Subprocess.run(argv, input: bytes)
        guard r.status == 0 else {
            // The helper's own words (which part of the document is wrong), or why it failed.
            let said = String(decoding: r.errors, as: UTF8.self).trimmingNewline()
            let prefix = "iptables-swift restore-text: "
            let message = said.hasPrefix(prefix) ? String(said.dropFirst(prefix.count))
                : "\(file): the JSON helper failed (exit status \(r.status))" + (said.isEmpty ? "" : ": \(said)")
            throw IPTablesError(r.status == 2 ? .parameter : .other, message, style: .plain)
        }
        return r.output
    }

    /// `iptables-swift save … --json`: the helper takes over this process; returns only
    /// when it cannot (the reason is on standard error).
    static func save(family: Family, arguments: [String]) -> Int32 {
        let rest = arguments.filter { $0 != "--json" && $0 != "-4" && $0 != "-6" }
        let e: IPTablesError
        do {
            e = Subprocess.exec([try path(), "save", family.isIPv6 ? "-6" : "-4"] + rest)
        } catch let thrown as IPTablesError {
            e = thrown
        } catch {
            return 1
        }
        StandardError().write("iptables-swift save: \(e.message)\n")
        return e.status.rawValue
    }
}
