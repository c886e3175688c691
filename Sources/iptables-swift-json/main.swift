import FoundationEssentials
import Glibc
import IPTablesKit
import IPTablesKitJSON

// The JSON helper of iptables-swift (installed as libexec/iptables-swift/iptables-swift-json).
// The multi-call binary never links Foundation; it hands JSON work over to this program:
//   iptables-swift-json save [-4|-6] [-t TABLE] [-c]   the live tables as a JSON document
//   iptables-swift-json restore-text [--name NAME] [-4|-6] FILE|-
//                                   a JSON document as iptables-restore text (-4/-6: refuse a
//                                   document of the other family; NAME: the file's name in
//                                   messages)
// Exit status: 0 done, 1 a table could not be read or the output not written, 2 bad
// arguments or a bad document. Messages go to standard error, one line each.

/// A failure: its message and the exit status.
struct HelperFailure: Error {
    var command: String
    var message: String
    var status: Int32
}

/// The options of both commands: family, table, counters, a name, and the other words.
struct Options {
    var family = Family.ipv4
    var familyGiven = false
    var table: String?
    var counters = false
    var name: String?
    var words: [String] = []

    init(_ args: ArraySlice<String>, command: String) throws {
        var i = args.startIndex
        while i < args.endIndex {
            let a = args[i]
            switch a {
            case "-4", "-6":
                family = a == "-6" ? .ipv6 : .ipv4
                familyGiven = true
            case "-c", "--counters": counters = true
            case "--json": break
            case "-t", "--table", "--name":
                i += 1
                guard i < args.endIndex else { throw HelperFailure(command: command, message: "option \(a) requires a value", status: 2) }
                if a == "--name" { name = args[i] } else { table = args[i] }
            default:
                if a.hasPrefix("-") && a != "-" { throw HelperFailure(command: command, message: "unknown option \(a)", status: 2) }
                words.append(a)
            }
            i += 1
        }
    }
}

/// Writes text to standard output; throws when it cannot be written (a full disk, a
/// closed pipe).
func emit(_ text: String, command: String) throws {
    fputs(text, stdout)
    if fflush(stdout) != 0 || ferror(stdout) != 0 {
        throw HelperFailure(command: command, message: "cannot write the output: \(String(cString: strerror(errno)))", status: 1)
    }
}

/// `save`: the live tables of the family as JSON on standard output.
func save(_ o: Options) throws {
    guard o.words.isEmpty else { throw HelperFailure(command: "save", message: "unexpected argument \(o.words[0])", status: 2) }
    let text: String
    do {
        let firewall = try Firewall(family: o.family)
        text = try RulesetJSON.encode(try firewall.snapshot(table: o.table), counters: o.counters)
    } catch let e as IPTablesError {
        throw HelperFailure(command: "save", message: String(e.message.prefix { $0 != "\n" }), status: e.status.rawValue)
    }
    try emit(text, command: "save")
}

/// `restore-text`: a JSON document (a file, or standard input for "-") as restore text.
func restoreText(_ o: Options) throws {
    guard o.words.count == 1 else { throw HelperFailure(command: "restore-text", message: "expects one file", status: 2) }
    let path = o.words[0]
    let name = o.name ?? path
    let bytes: [UInt8]
    do {
        bytes = try TextFile.bytes(path)
    } catch let e as IPTablesError {
        throw HelperFailure(command: "restore-text", message: path == "-" ? "cannot read \(name) from standard input" : e.message, status: 2)
    }
    let text: String
    do {
        let doc = try RulesetJSON.decode(Data(bytes))
        guard !o.familyGiven || doc.family == o.family.name else {
            throw RulesetJSONError(message: "the document is for \(doc.family), not \(o.family.name)")
        }
        // The first line names the family as a save header does (the tools read it there).
        text = "# iptables-swift: from a JSON document of \(doc.family == "ipv6" ? "ip6tables-save" : "iptables-save")\n"
            + (try RulesetJSON.restoreText(doc))
    } catch {
        throw HelperFailure(command: "restore-text", message: "\(name): \(error)", status: 2)
    }
    try emit(text, command: "restore-text")
}

/// The program: the command word, then its options.
func run(_ args: [String]) throws {
    guard args.count > 1 else { throw HelperFailure(command: "json", message: "usage: iptables-swift-json save|restore-text [options]", status: 2) }
    switch args[1] {
    case "save": try save(try Options(args.dropFirst(2), command: "save"))
    case "restore-text": try restoreText(try Options(args.dropFirst(2), command: "restore-text"))
    default: throw HelperFailure(command: "json", message: "unknown command \(args[1])", status: 2)
    }
}

do {
    try run(CommandLine.arguments)
} catch let f as HelperFailure {
    fputs("iptables-swift \(f.command): \(f.message)\n", stderr)
    exit(f.status)
} catch {
    fputs("iptables-swift json: \(error)\n", stderr)
    exit(1)
}
