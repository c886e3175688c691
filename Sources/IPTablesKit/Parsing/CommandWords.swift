/// The words of a command line as the C runtime hands them over (argc, argv), read in
/// place. The hot tools (iptables, -save, -restore) take their options from these, not
/// from `CommandLine.arguments`: the first array of strings a run makes registers the
/// standard library's prespecialized array metadata (some 30,000 instructions, a
/// fifteenth of `iptables --version`), and with these words nothing on those paths makes one.
public struct CommandWords {
    /// The number of words (argc).
    public let count: Int
    /// The words (argv), NULL-terminated after `count`.
    let argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    /// The process's own words, or any argc/argv of the same shape.
    public init(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        count = Int(argc)
        self.argv = argv
    }

    /// Word `i` as a string.
    subscript(i: Int) -> String { String(cString: argv[i]!) }

    /// The words after the first (`xtables-swift-multi iptables -L`: the tool's own argv).
    var droppingFirst: CommandWords {
        CommandWords(argc: Int32(count - 1), argv: argv + 1)
    }

    /// The words as strings, for the tools that take an array.
    var strings: [String] { (0..<count).map { self[$0] } }
}
