import CXtables
import Glibc

/// A tool's options as getopt_long takes them: a C `struct option` table whose names point
/// at static strings, and the short-option string. Built once, entry by entry, and kept
/// for the process: no Swift array of the entries (an array of a struct of ours has its
/// type metadata registered at run time, about 10,000 instructions at every start), no
/// dictionary of tables (the same again for the dictionary's storage).
struct LongOptions {
    /// The NULL-terminated table.
    let table: UnsafeMutablePointer<option>
    /// The short options, as a C string.
    let shortOptions: UnsafePointer<CChar>

    /// Fills a table of at most `capacity` options with `describe`'s `add` calls.
    init(_ shortOptions: StaticString, capacity: Int, _ describe: (inout Builder) -> Void) {
        var builder = Builder(table: .allocate(capacity: capacity + 1), capacity: capacity)
        describe(&builder)
        builder.table[builder.count] = option(name: nil, has_arg: 0, flag: nil, val: 0)
        table = builder.table
        self.shortOptions = LongOptions.cString(shortOptions)
    }

    /// Adds one option after another.
    struct Builder {
        /// The table being filled, its room (before the terminator), the entries so far.
        fileprivate let table: UnsafeMutablePointer<option>
        fileprivate let capacity: Int
        fileprivate var count = 0

        /// One long option: its name, whether it takes an argument (0 none, 1 required,
        /// 2 optional) and the code getopt returns for it.
        mutating func add(_ name: StaticString, _ hasArg: Int32, _ code: Unicode.Scalar) {
            precondition(count < capacity, "LongOptions: more options than the capacity")
            table[count] = option(name: LongOptions.cString(name), has_arg: hasArg, flag: nil, val: Int32(code.value))
            count += 1
        }
    }

    /// The option names, in order (for tests and messages; not on the start-up path).
    var names: [String] {
        var result: [String] = []
        var entry = table
        while let name = entry.pointee.name {
            result.append(String(cString: name))
            entry += 1
        }
        return result
    }

    /// A string literal's bytes as a C string (literals are stored NUL-terminated).
    static func cString(_ s: StaticString) -> UnsafePointer<CChar> {
        precondition(s.hasPointerRepresentation, "LongOptions: a literal without bytes")
        return UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
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

    /// The next option code of a tool's own options; nil after the last option.
    func next(_ options: LongOptions) -> Int32? {
        let c = getopt_long(argv.count, argv.pointer, options.shortOptions, options.table, nil)
        return c == -1 ? nil : c
    }

    /// The next code of an iptables command line: base options merged with every
    /// extension the line has loaded so far.
    func nextRuleOption() -> Int32? {
        let c = shim_getopt_rule(argv.count, argv.pointer, BaseOptions.ruleOptstring)
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
