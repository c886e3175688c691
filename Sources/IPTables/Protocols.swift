import CXtables
import Glibc

/// Protocol numbers and names as iptables shows them.
enum Protocols {
    /// Names already looked up, indexed by number * 2 + (whether /etc/protocols may be
    /// asked); protocol numbers in rules are 0...255. nil: not looked up yet.
    private static var cache = [String??](repeating: nil, count: 512)

    /// libxtables' own table first (tcp, udp, …, all), then /etc/protocols when allowed.
    static func name(_ number: UInt16, lookup: Bool) -> String? {
        guard number < 256 else { return uncachedName(number, lookup: lookup) }
        let key = Int(number) << 1 | (lookup ? 1 : 0)
        if let known = cache[key] { return known }
        let found = uncachedName(number, lookup: lookup)
        cache[key] = .some(found)
        return found
    }

    private static func uncachedName(_ number: UInt16, lookup: Bool) -> String? {
        var p = shim_chain_protos()!
        while let n = p.pointee.name {
            if UInt16(p.pointee.num) == number { return String(cString: n) }
            p += 1
        }
        if number != 0 && lookup, let ent = getprotobynumber(Int32(number)) {
            return String(cString: ent.pointee.p_name)
        }
        return nil
    }
}
