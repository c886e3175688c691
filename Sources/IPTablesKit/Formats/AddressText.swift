import Glibc

/// Text forms of rule addresses, masks and interfaces, for listings and saves.
enum AddressText {
    /// inet_ntop of a 4- or 16-byte address.
    static func ntop(_ bytes: UnsafeRawBufferPointer, family: Family) -> String {
        var buf = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return withUnsafeMutableBytes(of: &buf) { out in
            let p = out.baseAddress!.assumingMemoryBound(to: CChar.self)
            _ = inet_ntop(family.isIPv6 ? AF_INET6 : AF_INET, bytes.baseAddress, p, 64)
            return String(cString: p)
        }
    }

    /// Prefix length of a contiguous mask, nil when the mask has holes. Masks of 4 and 16
    /// bytes are read as big-endian words (a listing asks twice a rule); others byte by byte.
    static func prefixLength(_ mask: UnsafeRawBufferPointer) -> Int? {
        switch mask.count {
        case 4: return prefixLength(words: UInt64(UInt32(bigEndian: mask.loadUnaligned(as: UInt32.self))) << 32, 0)
        case 16: return prefixLength(words: UInt64(bigEndian: mask.loadUnaligned(as: UInt64.self)),
                                     UInt64(bigEndian: mask.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        default: break
        }
        var bits = 0, ended = false
        for byte in mask {
            if ended {
                if byte != 0 { return nil }
                continue
            }
            if byte == 0xFF { bits += 8; continue }
            let ones = (~byte).leadingZeroBitCount
            if byte != UInt8(truncatingIfNeeded: 0xFF << (8 - ones)) { return nil }
            bits += ones
            ended = true
        }
        return bits
    }

    /// The prefix length of a 128-bit mask given as its high and low words (a 32-bit mask
    /// sits in the top of `high`, zeros after it); nil when the ones are not contiguous.
    private static func prefixLength(words high: UInt64, _ low: UInt64) -> Int? {
        if high != .max {
            let ones = (~high).leadingZeroBitCount
            let contiguous = ones == 0 ? high == 0 : high == ~UInt64(0) << (64 - ones)
            return contiguous && low == 0 ? ones : nil
        }
        let ones = (~low).leadingZeroBitCount
        let contiguous = ones == 0 ? low == 0 : ones == 64 || low == ~UInt64(0) << (64 - ones)
        return contiguous ? 64 + ones : nil
    }

    static func prefixLength(_ mask: [UInt8]) -> Int? { mask.withUnsafeBytes { prefixLength($0) } }

    static func isZero(_ b: UnsafeRawBufferPointer) -> Bool { b.allSatisfy { $0 == 0 } }

    /// Writes " [!] -s addr/len" as iptables-save does (nothing when it matches anything).
    static func save(_ letter: StaticString, address: UnsafeRawBufferPointer, mask: UnsafeRawBufferPointer,
                     inverted: Bool, family: Family, into out: inout LineWriter) {
        let len = prefixLength(mask)
        if family.isIPv6 {
            if !inverted && len == 0 { return }
        } else if !inverted && isZero(mask) && isZero(address) {
            return
        }
        if inverted { out.put(" !") }
        out.put(" -"); out.put(letter); out.put(" ")
        if family.isIPv6 { out.put(ntop(address, family: family)) } else { dotted(address, into: &out) }
        out.put(byte: 0x2F)
        if let l = len { out.put(UInt64(l)) } else if family.isIPv6 { out.put(ntop(mask, family: family)) } else { dotted(mask, into: &out) }
    }

    /// The same, as a String (for tests).
    static func save(_ letter: StaticString, address: [UInt8], mask: [UInt8], inverted: Bool, family: Family) -> String {
        var out = LineWriter()
        address.withUnsafeBytes { a in mask.withUnsafeBytes { m in
            save(letter, address: a, mask: m, inverted: inverted, family: family, into: &out)
        } }
        return out.text
    }

    /// An IPv4 address in dotted decimal, formatted on the stack and written in one put.
    static func dotted(_ a: UnsafeRawBufferPointer, into out: inout LineWriter) {
        var text: (UInt64, UInt64) = (0, 0)  // 16 bytes; "255.255.255.255" takes 15
        withUnsafeMutableBytes(of: &text) { t in
            var n = 0
            for i in 0..<4 {
                if i > 0 { t[n] = 0x2E; n += 1 }
                let octet = a[i]
                if octet >= 100 { t[n] = 0x30 + octet / 100; n += 1 }
                if octet >= 10 { t[n] = 0x30 + octet / 10 % 10; n += 1 }
                t[n] = 0x30 + octet % 10
                n += 1
            }
            out.put(bytes: UnsafeRawBufferPointer(rebasing: t[0..<n]))
        }
    }

    /// Writes " [!] -i name[+]" as iptables-save writes an interface (nothing when none).
    static func saveInterface(_ letter: StaticString, name: UnsafeRawBufferPointer, mask: UnsafeRawBufferPointer,
                              inverted: Bool, into out: inout LineWriter) {
        guard mask[0] != 0 else { return }
        if inverted { out.put(" !") }
        out.put(" -"); out.put(letter); out.put(" ")
        for i in 0..<name.count {
            if mask[i] != 0 {
                if name[i] != 0 { out.put(byte: name[i]) }
            } else {
                if name[i - 1] != 0 { out.put(byte: 0x2B) }
                break
            }
        }
    }

    /// The same, as a String (for tests).
    static func saveInterface(_ letter: StaticString, name: [UInt8], mask: [UInt8], inverted: Bool) -> String {
        var out = LineWriter()
        name.withUnsafeBytes { n in mask.withUnsafeBytes { m in
            saveInterface(letter, name: n, mask: m, inverted: inverted, into: &out)
        } }
        return out.text
    }
}
