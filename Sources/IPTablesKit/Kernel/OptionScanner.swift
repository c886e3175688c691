import CXtables
import Glibc

/// C `struct option` arrays built once per process: getopt_long reads them for every word.
/// (Plain statics, not a dictionary keyed by family: instantiating a dictionary type's
/// metadata costs a tenth of a tool's start-up.)
enum OptionTables {
    private static var baseIPv4: UnsafeMutablePointer<option>?
    private static var baseIPv6: UnsafeMutablePointer<option>?
    private static var byKey: [String: UnsafeMutablePointer<option>] = [:]
    private static var optstrings: [String: UnsafeMutablePointer<CChar>] = [:]

    /// The base option table of a family (libxtables' orig_opts); lives for the process.
    static func base(for family: Family) -> UnsafeMutablePointer<option> {
        if let t = family.isIPv6 ? baseIPv6 : baseIPv4 { return t }
        let t = make(BaseOptions.all, ipv6: family.isIPv6)
        if family.isIPv6 { baseIPv6 = t } else { baseIPv4 = t }
        return t
    }

    /// A tool's own option table, made once per key.
    static func table(_ key: String, _ entries: [BaseOptions.Entry]) -> UnsafeMutablePointer<option> {
        if let t = byKey[key] { return t }
        let t = make(entries)
        byKey[key] = t
        return t
    }

    /// iptables' short options as a C string, made once: getopt_long takes it for every
    /// word of every rule line, so not even a dictionary lookup stands in front of it.
    static let ruleOptstring = UnsafePointer(strdup(BaseOptions.optstring)!)

    /// A short-option string as a C string, made once.
    static func optstring(_ s: String) -> UnsafeMutablePointer<CChar> {
        if let p = optstrings[s] { return p }
        let p = strdup(s)!
        optstrings[s] = p
        return p
    }

    /// A getopt table of the entries (those of IPv4 only left out for IPv6), pointing at
    /// their static names; lives for the process.
    private static func make(_ l: [BaseOptions.Entry], ipv6: Bool = false) -> UnsafeMutablePointer<option> {
        let table = UnsafeMutablePointer<option>.allocate(capacity: l.count + 1)
        var n = 0
        for e in l where !(ipv6 && e.ipv4Only) {
            let name = UnsafeRawPointer(e.literal.utf8Start).assumingMemoryBound(to: CChar.self)
            table[n] = option(name: name, has_arg: e.hasArg, flag: nil, val: e.code)
            n += 1
        }
        table[n] = option(name: nil, has_arg: 0, flag: nil, val: 0)
        return table
    }
}

/// getopt_long over a mutable C argv, with the process-global getopt state (optind,
/// optarg, optopt) behind properties. One scan at a time (getopt is not reentrant). A
/// value: its state lives in getopt's globals and in the argv it shares.
struct OptionScanner {
    let argv: CArgv

    /// Starts a scan of the words (the first is the program name). `quiet`: getopt prints
    /// no message of its own (iptables' command parser words them itself; -save and
    /// -restore let getopt print).
    init(argv: CArgv, quiet: Bool) {
        self.argv = argv
        optind = 0
        opterr = quiet ? 0 : 1
    }

    init(words: [String], quiet: Bool) { self.init(argv: CArgv(words), quiet: quiet) }

    /// The number of words.
    var count: Int32 { argv.count }

    /// The next option code of a tool's own table; nil after the last option.
    func next(_ shortOptions: String, _ table: UnsafeMutablePointer<option>) -> Int32? {
        let c = getopt_long(argv.count, argv.pointer, OptionTables.optstring(shortOptions), table, nil)
        return c == -1 ? nil : c
    }

    /// The next code of an iptables command line: base options merged with every
    /// extension the line has loaded so far.
    func nextRuleOption() -> Int32? {
        let c = shim_getopt_rule(argv.count, argv.pointer, OptionTables.ruleOptstring)
        return c == -1 ? nil : c
    }

    /// The index of the next word to scan (getopt's optind).
    var index: Int32 {
        get { optind }
        nonmutating set { optind = newValue }
    }

    /// Whether the current option has an attached argument (optarg is set).
    var hasArgument: Bool { optarg != nil }
    /// The current option's argument ("" when none).
    var argument: String { optarg.map { String(cString: $0) } ?? "" }
    /// The argument as iptables prints a missing one.
    var argumentOrNull: String { optarg.map { String(cString: $0) } ?? "(null)" }
    /// The option character getopt did not know (optopt).
    var unknownOption: Int32 { optopt }

    /// Whether the current argument is exactly "!"; it is then blanked as iptables does.
    func takeBang() -> Bool {
        guard let a = optarg, a[0] == 0x21, a[1] == 0 else { return false }
        a[0] = 0
        return true
    }

    /// Word i as it stands now (extensions may have changed it).
    func word(_ i: Int32) -> String { argv[i] }

    /// Word i as the C string in argv (alive as long as the argv).
    func rawWord(_ i: Int32) -> UnsafePointer<CChar> { UnsafePointer(argv.raw(i)) }

    /// The current option's argument as the C string getopt points at (nil when none).
    var rawArgument: UnsafePointer<CChar>? { optarg.map { UnsafePointer($0) } }

    /// Lower-cases word i in place (iptables does so to -p's argument).
    func lowercaseWord(_ i: Int32) {
        var p = argv.raw(i)
        while p.pointee != 0 { p.pointee = CChar(truncatingIfNeeded: tolower(Int32(p.pointee))); p += 1 }
    }

    /// iptables' xs_has_arg: the next word exists and starts with neither '-' nor '!'.
    var hasNextArgument: Bool {
        guard optind < argv.count else { return false }
        let first = argv.raw(optind)[0]
        return first != 0x2D && first != 0x21
    }

    /// The next word, consumed (the optional arguments iptables reads itself).
    func nextArgument() -> String {
        defer { optind += 1 }
        return argv[optind]
    }
}
