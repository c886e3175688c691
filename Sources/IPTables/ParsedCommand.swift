import CXtables

/// One host/network of a rule's source or destination: 16-byte address and mask, in the
/// byte layout of the rule header (IPv4 uses the first 4 bytes). Plain values, no heap.
struct AddressSlot {
    typealias Bytes16 = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    var address: Bytes16
    var mask: Bytes16

    /// Reads the 16 bytes at each pointer.
    init(address: UnsafeRawPointer, mask: UnsafeRawPointer) {
        self.address = address.loadUnaligned(as: Bytes16.self)
        self.mask = mask.loadUnaligned(as: Bytes16.self)
    }
}

/// The result of parsing one iptables command line: what to do, on which chain, and
/// the rule it carries (its header fields, and the extensions libxtables holds for it).
final class ParsedCommand {
    var commands: Commands = []
    var chain: String?
    var ruleNumber: UInt32 = 0
    var policy: String?
    var newName: String?
    var verbose = 0
    var options: GenericOptions = []
    var table = "filter"
    /// -w: 0 not given, -1 without seconds, else the seconds.
    var wait: Int32 = 0
    /// The -j/-g name ("" when none).
    var jumpTo = ""
    var isGoto = false
    /// The loaded target extension, if -j named one.
    var target: UnsafeMutablePointer<xtables_target>?
    /// libxtables' list of the rule's matches, in order.
    var matches: UnsafeMutablePointer<xtables_rule_match>?
    /// Header fields of the rule (addresses are filled per source/destination pair).
    var header = shim_rule_ip()
    var sources: [AddressSlot] = []
    var destinations: [AddressSlot] = []

    /// Frees the extension state held for this rule.
    func release() {
        shim_free_rule(&matches, target)
        target = nil
    }
}
