/// The commands of iptables as a bit set, because iptables combines some of them
/// (-L -Z, -S -Z) and reports clashes by bit. Bit order follows iptables' CMD_* values,
/// which also index `letters`. (`-A`, `-D`, `-L`, …)
public struct Commands: OptionSet, Hashable, Sendable {
    /// The bits.
    public let rawValue: UInt32
    /// A set from its bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// -I
    public static let insert = Commands(rawValue: 1 << 0)
    /// -D with a rule
    public static let delete = Commands(rawValue: 1 << 1)
    /// -D with a number
    public static let deleteNum = Commands(rawValue: 1 << 2)
    /// -R
    public static let replace = Commands(rawValue: 1 << 3)
    /// -A
    public static let append = Commands(rawValue: 1 << 4)
    /// -L
    public static let list = Commands(rawValue: 1 << 5)
    /// -F
    public static let flush = Commands(rawValue: 1 << 6)
    /// -Z
    public static let zero = Commands(rawValue: 1 << 7)
    /// -N
    public static let newChain = Commands(rawValue: 1 << 8)
    /// -X
    public static let deleteChain = Commands(rawValue: 1 << 9)
    /// -P
    public static let setPolicy = Commands(rawValue: 1 << 10)
    /// -E
    public static let renameChain = Commands(rawValue: 1 << 11)
    /// -S
    public static let listRules = Commands(rawValue: 1 << 12)
    /// -Z with a number
    public static let zeroNum = Commands(rawValue: 1 << 13)
    /// -C
    public static let check = Commands(rawValue: 1 << 14)

    /// Commands that carry a rule specification.
    static let ruleCommands: Commands = [.insert, .delete, .replace, .append, .check]

    /// The option letter of each bit, for messages ("Cannot use -L with -A").
    static let letters: [Character] = ["I", "D", "D", "R", "A", "L", "F", "Z", "N", "X", "P", "E", "S", "Z", "C"]

    /// The letter of the highest bit set, as iptables names a command set.
    var letter: Character {
        var v = rawValue, i = 0
        while v > 1 { v >>= 1; i += 1 }
        return i < Commands.letters.count ? Commands.letters[i] : "?"
    }
}

/// The generic (non-extension) options of a rule command, as bits in iptables' order.
public struct GenericOptions: OptionSet, Sendable {
    /// The bits.
    public let rawValue: UInt32
    /// A set from its bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// -n
    public static let numeric = GenericOptions(rawValue: 1 << 0)
    /// -s
    public static let source = GenericOptions(rawValue: 1 << 1)
    /// -d
    public static let destination = GenericOptions(rawValue: 1 << 2)
    /// -p
    public static let proto = GenericOptions(rawValue: 1 << 3)
    /// -j or -g
    public static let jump = GenericOptions(rawValue: 1 << 4)
    /// -v
    public static let verbose = GenericOptions(rawValue: 1 << 5)
    /// -x
    public static let expanded = GenericOptions(rawValue: 1 << 6)
    /// -i
    public static let inInterface = GenericOptions(rawValue: 1 << 7)
    /// -o
    public static let outInterface = GenericOptions(rawValue: 1 << 8)
    /// --line-numbers
    public static let lineNumbers = GenericOptions(rawValue: 1 << 9)
    /// -c
    public static let counters = GenericOptions(rawValue: 1 << 10)
    /// -f
    public static let fragment = GenericOptions(rawValue: 1 << 11)

    /// The letter iptables prints for each bit, in bit order.
    static let letters: [Character] = ["n", "s", "d", "p", "j", "v", "x", "i", "o", "0", "c", "f"]
    /// The header inversion bit each option can carry ("!" before it), 0 where none.
    static let inversions: [UInt8] = [0, InvFlag.srcIP, InvFlag.dstIP, InvFlag.proto, 0, 0, 0,
                                      InvFlag.viaIn, InvFlag.viaOut, 0, 0, InvFlag.frag]

    var index: Int { rawValue.trailingZeroBitCount }
    var letter: Character { GenericOptions.letters[index] }
}

/// Which generic options each command forbids (iptables' commands_v_options, as data).
enum OptionLegality {
    static let allButVerbose: GenericOptions = [.numeric, .source, .destination, .proto, .jump, .expanded,
                                                .inInterface, .outInterface, .lineNumbers, .counters, .fragment]
    /// What each command forbids, indexed by its bit (-I, -D rule, -D number, -R, -A, -L,
    /// -F, -Z, -N, -X, -P, -E, -S, -Z number, -C). An array, not a dictionary: a
    /// dictionary keyed by Commands costs its metadata, built from a mangled name, on every start.
    private static let forbiddenByBit: [GenericOptions] = [
        [.numeric, .expanded, .lineNumbers],                                // -I
        [.numeric, .expanded, .lineNumbers, .counters],                     // -D rule
        allButVerbose,                                                      // -D number
        [.numeric, .expanded, .lineNumbers],                                // -R
        [.numeric, .expanded, .lineNumbers],                                // -A
        [.source, .destination, .proto, .jump, .inInterface, .outInterface, .counters, .fragment],  // -L
        allButVerbose,                                                      // -F
        allButVerbose,                                                      // -Z
        allButVerbose,                                                      // -N
        allButVerbose,                                                      // -X
        allButVerbose.subtracting(.counters),                               // -P
        allButVerbose,                                                      // -E
        allButVerbose,                                                      // -S
        allButVerbose,                                                      // -Z number
        [.numeric, .expanded, .lineNumbers, .counters],                     // -C
    ]

    /// The first option (in iptables' order) that every given command forbids, if any.
    static func firstIllegal(_ options: GenericOptions, for commands: Commands) -> GenericOptions? {
        var allowedByAny: GenericOptions = []
        var forbiddenByAny: GenericOptions = []
        for bit in 0..<15 where commands.rawValue & (1 << UInt32(bit)) != 0 {
            let f = forbiddenByBit[bit]
            forbiddenByAny.formUnion(f)
            allowedByAny.formUnion(GenericOptions(rawValue: ~f.rawValue))
        }
        let illegal = options.intersection(forbiddenByAny).subtracting(allowedByAny)
        guard illegal.rawValue != 0 else { return nil }
        return GenericOptions(rawValue: 1 << UInt32(illegal.rawValue.trailingZeroBitCount))
    }
}
