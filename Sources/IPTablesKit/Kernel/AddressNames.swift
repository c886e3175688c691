import CXtables
import Glibc

/// The -L address column, which may ask the resolver for names through libxtables.
extension AddressText {
    /// The source/destination column of -L: "anywhere", a name or number, and the mask suffix.
    static func list(address: UnsafeRawBufferPointer, mask: UnsafeRawBufferPointer, numeric: Bool,
                     family: Family, into out: inout LineWriter) {
        if family.isIPv6 {
            if !numeric && isZero(address) { out.put("anywhere"); return }
            var a = in6_addr(), m = in6_addr()
            withUnsafeMutableBytes(of: &a) { $0.copyMemory(from: address) }
            withUnsafeMutableBytes(of: &m) { $0.copyMemory(from: mask) }
            out.put(cString: numeric ? xtables_ip6addr_to_numeric(&a) : xtables_ip6addr_to_anyname(&a))
            out.put(cString: xtables_ip6mask_to_numeric(&m))
            return
        }
        if !numeric && isZero(mask) { out.put("anywhere"); return }
        var a = in_addr(), m = in_addr()
        withUnsafeMutableBytes(of: &a) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: address[0..<4])) }
        withUnsafeMutableBytes(of: &m) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: mask[0..<4])) }
        if numeric { dotted(address, into: &out) } else { out.put(cString: xtables_ipaddr_to_anyname(&a)) }
        out.put(cString: xtables_ipmask_to_numeric(&m))
    }
}
