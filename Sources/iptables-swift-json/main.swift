import FoundationEssentials
import Glibc
import IPTablesKit
import IPTablesKitJSON

// The JSON helper of iptables-swift (installed as libexec/iptables-swift/iptables-swift-json).
// The multi-call binary never links Foundation; it hands JSON work over to this program:
//   iptables-swift-json save [-4|-6] [-t TABLE] [-c]   the live tables as a JSON document
//   iptables-swift-json restore-text [-4|-6] FILE|-    a JSON document as iptables-restore text
//                                                     (-4/-6: refuse a document of the other family)
// Exit status: 0 done, 1 a table could not be read, 2 bad arguments or a bad document.

/// Writes a message to standard error with the program's name.
func fail(_ command: String, _ message: String, status: Int32) -> Never {
    fputs("iptables-swift \(command): \(message)\n", stderr)
    exit(status)
}

/// The options of both commands: family, table, counters, and the remaining words.
struct Options {
    var family = Family.ipv4
    /// Whether -4 or -6 was given.
    var familyGiven = false
    var table: String?
    var counters = false
    var words: [String] = []

    init(_ args: ArraySlice<String>, command: String) {
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i]
            switch a {
            case "-4": family = .ipv4; familyGiven = true
            case "-6": family = .ipv6; familyGiven = true
            case "-c", "--counters": counters = true
            case "--json": break
            case "-t", "--table":
                i += 1
                guard i < args.endIndex else { fail(command, "option \(a) requires a table name", status: 2) }
                table = args[i]
            default:
                if a.hasPrefix("-") && a != "-" { fail(command, "unknown option \(a)", status: 2) }
                words.append(a)
            }
            i += 1
        }
    }
}

/// A whole file, or standard input for "-"; nil when it cannot be read.
func readAll(_ path: String) -> [UInt8]? {
    let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { if fd != 0 { close(fd) } }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { return nil }
        if n == 0 { return out }
        out += buffer[0..<n]
    }
}

/// `save`: the live tables of the family as JSON on standard output.
func save(_ o: Options) -> Int32 {
    guard o.words.isEmpty else { fail("save", "unexpected argument \(o.words[0])", status: 2) }
    do {
        let firewall = try Firewall(family: o.family)
        let text = try RulesetJSON.encode(try firewall.snapshot(table: o.table), counters: o.counters)
        fputs(text, stdout)
        return 0
    } catch let e as IPTablesError {
        fail("save", String(e.message.prefix { $0 != "\n" }), status: e.status.rawValue)
    } catch {
        fail("save", "\(error)", status: 1)
    }
}

/// `restore-text`: a JSON document (a file, or standard input for "-") as restore text.
func restoreText(_ o: Options) -> Int32 {
    guard o.words.count == 1 else { fail("restore-text", "expects one file", status: 2) }
    let path = o.words[0]
    let data: Data
    guard let bytes = readAll(path) else { fail("restore-text", "cannot read \(path): \(String(cString: strerror(errno)))", status: 2) }
    data = Data(bytes)
    do {
        let doc = try RulesetJSON.decode(data)
        guard !o.familyGiven || doc.family == o.family.name else {
            fail("restore-text", "\(path): the document is for \(doc.family), not \(o.family.name)", status: 2)
        }
        // The first line names the family as a save header does (the tools read it there).
        fputs("# iptables-swift: from a JSON document of \(doc.family == "ipv6" ? "ip6tables-save" : "iptables-save")\n", stdout)
        fputs(try RulesetJSON.restoreText(doc), stdout)
        return 0
    } catch {
        fail("restore-text", "\(path): \(error)", status: 2)
    }
}

let args = CommandLine.arguments
guard args.count > 1 else { fail("json", "usage: iptables-swift-json save|restore-text [options]", status: 2) }
switch args[1] {
case "save": exit(save(Options(args.dropFirst(2), command: "save")))
case "restore-text": exit(restoreText(Options(args.dropFirst(2), command: "restore-text")))
default: fail("json", "unknown command \(args[1])", status: 2)
}
