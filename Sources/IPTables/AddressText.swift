import CXtables
import Glibc

/// Text forms of rule addresses, masks and interfaces, for listings and saves.
enum AddressText {
    /// inet_ntop of a 4- or 16-byte address.
    static func ntop(_ bytes: [UInt8], family: Family) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        bytes.withUnsafeBytes { p in
            _ = inet_ntop(family.isIPv6 ? AF_INET6 : AF_INET, p.baseAddress, &buf, 64)
        }
        return String(cString: buf)
    }

    /// Prefix length of a contiguous mask, nil when the mask has holes.
    static func prefixLength(_ mask: [UInt8]) -> Int? {
        var bits = 0, seenZero = false
        for byte in mask {
            for i in (0..<8).reversed() {
                if byte & (1 << i) != 0 {
                    if seenZero { return nil }
                    bits += 1
                } else { seenZero = true }
            }
        }
        return bits
    }

    /// " [!] -s addr/len" as iptables-save writes it ("" when it matches anything).
    static func save(_ letter: Character, address: [UInt8], mask: [UInt8], inverted: Bool, family: Family) -> String {
        let inv = inverted ? " !" : ""
        let len = prefixLength(mask)
        if family.isIPv6 {
            if !inverted && len == 0 { return "" }
            let m = len.map { String($0) } ?? ntop(mask, family: family)
            return "\(inv) -\(letter) \(ntop(address, family: family))/\(m)"
        }
        if !inverted && mask.allSatisfy({ $0 == 0 }) && address.allSatisfy({ $0 == 0 }) { return "" }
        let m = len.map { String($0) } ?? ntop(mask, family: family)
        return "\(inv) -\(letter) \(ntop(address, family: family))/\(m)"
    }

    /// The source/destination column of -L: "anywhere", a name or number, and the mask suffix.
    static func list(address: [UInt8], mask: [UInt8], numeric: Bool, family: Family) -> String {
        if family.isIPv6 {
            if !numeric && address.allSatisfy({ $0 == 0 }) { return "anywhere" }
            var a = in6_addr(), m = in6_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: address) }
            withUnsafeMutableBytes(of: &m) { $0.copyBytes(from: mask) }
            let host = numeric ? xtables_ip6addr_to_numeric(&a) : xtables_ip6addr_to_anyname(&a)
            return String(cString: host!) + String(cString: xtables_ip6mask_to_numeric(&m))
        }
        if !numeric && mask.allSatisfy({ $0 == 0 }) { return "anywhere" }
        var a = in_addr(), m = in_addr()
        withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: address) }
        withUnsafeMutableBytes(of: &m) { $0.copyBytes(from: mask) }
        let host = numeric ? xtables_ipaddr_to_numeric(&a) : xtables_ipaddr_to_anyname(&a)
        return String(cString: host!) + String(cString: xtables_ipmask_to_numeric(&m))
    }

    /// " [!] -i name[+]" as iptables-save writes an interface ("" when none).
    static func saveInterface(_ letter: Character, name: [UInt8], mask: [UInt8], inverted: Bool) -> String {
        guard mask[0] != 0 else { return "" }
        var s = (inverted ? " !" : "") + " -\(letter) "
        for i in 0..<name.count {
            if mask[i] != 0 {
                if name[i] != 0 { s.unicodeScalars.append(UnicodeScalar(name[i])) }
            } else {
                if name[i - 1] != 0 { s += "+" }
                break
            }
        }
        return s
    }
}

/// A decoded rule header, from a kernel entry or a rule being built.
struct RuleHeader {
    var raw: shim_rule_ip
    let family: Family

    init(entry: UnsafeRawPointer, family: Family) {
        raw = shim_rule_ip()
        shim_entry_get_ip(family.nfproto, entry, &raw)
        self.family = family
    }

    private func bytes<T>(_ value: T, count: Int) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0.prefix(count)) }
    }

    var source: [UInt8] { bytes(raw.src, count: family.addressWidth) }
    var sourceMask: [UInt8] { bytes(raw.smsk, count: family.addressWidth) }
    var destination: [UInt8] { bytes(raw.dst, count: family.addressWidth) }
    var destinationMask: [UInt8] { bytes(raw.dmsk, count: family.addressWidth) }
    var inInterface: [UInt8] { bytes(raw.iniface, count: 16) }
    var inMask: [UInt8] { bytes(raw.iniface_mask, count: 16) }
    var outInterface: [UInt8] { bytes(raw.outiface, count: 16) }
    var outMask: [UInt8] { bytes(raw.outiface_mask, count: 16) }

    /// An interface name up to its NUL.
    static func name(_ b: [UInt8]) -> String {
        String(decoding: b.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
