import CXtables
import Glibc

/// One host/network of a rule's source or destination: 16-byte address and mask, in the
/// byte layout of the rule header (IPv4 uses the first 4 bytes). Plain values, no heap.
/// Kept as four words: a struct of two 16-byte tuples is copied byte by byte (each of its
/// 32 bytes shifted out and stored alone, some 200 instructions for every copy of a rule's
/// any-address), four words in four moves.
struct AddressSlot {
    typealias Bytes16 = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    /// The address's 16 bytes, then the mask's, in memory order.
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// All bytes zero.
    init() { words = (0, 0, 0, 0) }

    /// Reads the 16 bytes at each pointer.
    init(address: UnsafeRawPointer, mask: UnsafeRawPointer) {
        let a = address.loadUnaligned(as: (UInt64, UInt64).self)
        let m = mask.loadUnaligned(as: (UInt64, UInt64).self)
        words = (a.0, a.1, m.0, m.1)
    }

    /// The address's 16 bytes.
    var address: Bytes16 {
        get { unsafeBitCast((words.0, words.1), to: Bytes16.self) }
        set { (words.0, words.1) = unsafeBitCast(newValue, to: (UInt64, UInt64).self) }
    }

    /// The mask's 16 bytes.
    var mask: Bytes16 {
        get { unsafeBitCast((words.2, words.3), to: Bytes16.self) }
        set { (words.2, words.3) = unsafeBitCast(newValue, to: (UInt64, UInt64).self) }
    }

    /// Runs `body` with the address's and the mask's 16 bytes, writable.
    mutating func withBytes<R>(_ body: (UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> R) -> R {
        withUnsafeMutableBytes(of: &words) { raw in
            raw.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 32) { body($0, $0 + 16) }
        }
    }

    /// Writes the address's 16 bytes at `address` and the mask's at `mask`.
    func store(address: UnsafeMutableRawPointer, mask: UnsafeMutableRawPointer) {
        address.storeBytes(of: (words.0, words.1), as: (UInt64, UInt64).self)
        mask.storeBytes(of: (words.2, words.3), as: (UInt64, UInt64).self)
    }
}

/// The addresses of a rule's -s or -d: one kept inline (nearly every rule has one), more
/// in a buffer. Not an array: an array of a struct of ours has its type metadata
/// registered at run time (about 10,000 instructions on the first rule of every run).
struct AddressList: RandomAccessCollection {
    /// The first address (all zero when the list is empty).
    private var head: AddressSlot
    /// The second address on, when there are any.
    private var rest: Overflow?
    /// The number of addresses.
    let count: Int

    /// The addresses after the first, in a buffer freed with the list.
    private final class Overflow {
        let slots: UnsafeMutablePointer<AddressSlot>
        init(_ count: Int) { slots = .allocate(capacity: count) }
        deinit { slots.deallocate() }
    }

    /// No address.
    init() {
        head = AddressSlot()
        count = 0
    }

    /// One address.
    init(_ slot: AddressSlot) {
        head = slot
        count = 1
    }

    /// `count` addresses, the i-th made by `make(i)`.
    init(count: Int, _ make: (Int) -> AddressSlot) {
        self.count = count
        head = count > 0 ? make(0) : AddressSlot()
        guard count > 1 else { return }
        let overflow = Overflow(count - 1)
        for i in 1..<count { (overflow.slots + i - 1).initialize(to: make(i)) }
        rest = overflow
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    subscript(i: Int) -> AddressSlot {
        precondition(i >= 0 && i < count, "AddressList: index out of range")
        return i == 0 ? head : rest!.slots[i - 1]
    }
}

/// Address lists of -s/-d through libxtables (hostnames, masks, comma lists).
enum Addresses {
    /// The family's any-address ("0.0.0.0/0" / "::0/0"), parsed once per context: every
    /// rule without -s or -d uses it.
    static func any(_ context: XtablesContext) throws -> AddressList {
        if let cached = context.anyAddresses { return cached }
        let parsed = try context.family.anyAddress.withCString { try parse($0, family: context.family) }
        context.anyAddresses = parsed
        return parsed
    }

    /// A -s/-d argument as libxtables reads it (names, masks, comma lists). A plain IPv4
    /// address (most restore lines) is read directly, with libxtables' result.
    static func parse(_ spec: UnsafePointer<CChar>, family: Family) throws -> AddressList {
        if !family.isIPv6 {
            var slot = AddressSlot()
            if slot.withBytes({ fast_plain_ipv4(spec, $0, $1) }) { return AddressList(slot) }
        }
        var addrs: UnsafeMutablePointer<UInt8>?
        var masks: UnsafeMutablePointer<UInt8>?
        var count: UInt32 = 0
        guard shim_parse_addresses(family.nfproto, spec, &addrs, &masks, &count) == 0 else {
            throw IPTablesError.caught()
        }
        defer { free(addrs); free(masks) }
        return AddressList(count: Int(count)) { i in AddressSlot(address: addrs! + 16 * i, mask: masks! + 16 * i) }
    }
}
