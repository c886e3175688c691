/// The commands of iptables as a bit set, because iptables combines some of them
/// (-L -Z, -S -Z) and reports clashes by bit. Bit order follows iptables' CMD_* values,
/// which also index `letters`. (`-A`, `-D`, `-L`, …)
public struct Commands: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let insert = Commands(rawValue: 1 << 0)
    public static let delete = Commands(rawValue: 1 << 1)
    public static let deleteNum = Commands(rawValue: 1 << 2)
    public static let replace = Commands(rawValue: 1 << 3)
    public static let append = Commands(rawValue: 1 << 4)
    public static let list = Commands(rawValue: 1 << 5)
    public static let flush = Commands(rawValue: 1 << 6)
    public static let zero = Commands(rawValue: 1 << 7)
    public static let newChain = Commands(rawValue: 1 << 8)
    public static let deleteChain = Commands(rawValue: 1 << 9)
    public static let setPolicy = Commands(rawValue: 1 << 10)
    public static let renameChain = Commands(rawValue: 1 << 11)
    public static let listRules = Commands(rawValue: 1 << 12)
    public static let zeroNum = Commands(rawValue: 1 << 13)
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
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let numeric = GenericOptions(rawValue: 1 << 0)
    public static let source = GenericOptions(rawValue: 1 << 1)
    public static let destination = GenericOptions(rawValue: 1 << 2)
    public static let proto = GenericOptions(rawValue: 1 << 3)
    public static let jump = GenericOptions(rawValue: 1 << 4)
    public static let verbose = GenericOptions(rawValue: 1 << 5)
    public static let expanded = GenericOptions(rawValue: 1 << 6)
    public static let inInterface = GenericOptions(rawValue: 1 << 7)
    public static let outInterface = GenericOptions(rawValue: 1 << 8)
    public static let lineNumbers = GenericOptions(rawValue: 1 << 9)
    public static let counters = GenericOptions(rawValue: 1 << 10)
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
    static let forbidden: [Commands: GenericOptions] = [
        .insert: [.numeric, .expanded, .lineNumbers],
        .delete: [.numeric, .expanded, .lineNumbers, .counters],
        .deleteNum: allButVerbose,
        .replace: [.numeric, .expanded, .lineNumbers],
        .append: [.numeric, .expanded, .lineNumbers],
        .list: [.source, .destination, .proto, .jump, .inInterface, .outInterface, .counters, .fragment],
        .flush: allButVerbose,
        .zero: allButVerbose,
        .newChain: allButVerbose,
        .deleteChain: allButVerbose,
        .setPolicy: allButVerbose.subtracting(.counters),
        .renameChain: allButVerbose,
        .listRules: allButVerbose,
        .zeroNum: allButVerbose,
        .check: [.numeric, .expanded, .lineNumbers, .counters],
    ]

    /// `forbidden` indexed by command bit, for the per-rule check.
    private static let forbiddenByBit: [GenericOptions] = (0..<15).map { forbidden[Commands(rawValue: 1 << UInt32($0)), default: []] }

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
