import CXtables
import Glibc

/// The save form and the numeric listing form of the commonest matches (tcp, udp, comment,
/// statistic, icmp, limit, multiport, conntrack's state: nearly every rule of the rulesets
/// daemons write) put straight into the line writer, instead of through the plugins'
/// printf, which was two fifths of a large save. Each form (NativeMatchForms.swift) is what
/// the print and save functions of the plugin of iptables 1.8.9 write, byte for byte. A
/// plugin of another name, revision, family or data size, a match whose size is not its
/// plugin's, a name listing (-L without -n: service and ICMP type names come from the
/// plugin) and a value the plugin would print by reading past its tables are all left to
/// the plugin.
enum NativeMatch {
    case tcp, udp, comment, statistic, icmp, limit, multiport, conntrack

    /// An xt_entry_match's data follows its 32-byte header.
    private static let headerSize = 32

    /// The plugins these forms mirror: name, revision, IPv4 only, and the part of the data
    /// userspace owns (the whole data size is `size`).
    private static let plugins: [(name: StaticString, kind: NativeMatch, revision: UInt8, ipv4Only: Bool,
                                  userSize: Int)] = [
        ("tcp", .tcp, 0, false, 16),
        ("udp", .udp, 0, false, 16),
        ("comment", .comment, 0, false, 256),
        ("statistic", .statistic, 0, false, 12),  // up to nth.count
        ("icmp", .icmp, 0, true, 8),
        ("limit", .limit, 0, false, 8),  // up to prev
        ("multiport", .multiport, 1, false, 48),
        ("conntrack", .conntrack, 3, false, 168),
    ]

    /// The native form of a loaded plugin, if it is one of these (asked once per lookup).
    static func of(_ plugin: UnsafeMutablePointer<xtables_match>) -> NativeMatch? {
        let p = plugin.pointee
        guard let name = p.name else { return nil }
        for e in plugins where strcmp(name, UnsafeRawPointer(e.name.utf8Start).assumingMemoryBound(to: CChar.self)) == 0 {
            guard p.revision == e.revision, Int(p.size) == e.kind.size, Int(p.userspacesize) == e.userSize,
                  !e.ipv4Only || p.family == UInt16(Family.ipv4.nfproto) else { return nil }
            return e.kind
        }
        return nil
    }

    /// The data size these forms read: XT_ALIGN of the plugin's struct, its `size`.
    private var size: Int {
        switch self {
        case .tcp, .udp: return 16
        case .comment: return 256
        case .statistic: return 24
        case .icmp: return 8
        case .limit: return 40
        case .multiport: return 48
        case .conntrack: return 168
        }
    }

    /// The match's data when its size is the one these forms read; nil otherwise.
    private func data(_ m: UnsafePointer<xt_entry_match>) -> UnsafeRawPointer? {
        Int(shim_match_size(m)) == NativeMatch.headerSize + size ? UnsafeRawPointer(m) + NativeMatch.headerSize : nil
    }

    /// Writes the save form (what follows " -m NAME"); false, having written nothing, when
    /// the plugin must print it.
    func save(_ m: UnsafePointer<xt_entry_match>, into out: inout LineWriter) -> Bool {
        guard let d = data(m) else { return false }
        switch self {
        case .tcp: return TCPForm(d).save(into: &out)
        case .udp: UDPForm(d).save(into: &out)
        case .comment: CommentForm.save(d, into: &out)
        case .statistic: StatisticForm(d).write(prefix: "--", into: &out)
        case .icmp: ICMPForm(d).save(into: &out)
        case .limit: LimitForm(d).save(into: &out)
        case .multiport:
            guard let form = MultiportForm(d) else { return false }
            form.save(into: &out)
        case .conntrack:
            guard let form = ConntrackForm(d) else { return false }
            form.write(prefix: "--", into: &out)
        }
        return true
    }

    /// Writes the numeric listing form (-L -n); false, having written nothing, when the
    /// plugin must print it.
    func listNumeric(_ m: UnsafePointer<xt_entry_match>, into out: inout LineWriter) -> Bool {
        guard let d = data(m) else { return false }
        switch self {
        case .tcp: TCPForm(d).listNumeric(into: &out)
        case .udp: UDPForm(d).listNumeric(into: &out)
        case .comment: CommentForm.list(d, into: &out)
        case .statistic:
            out.put(" statistic")
            StatisticForm(d).write(prefix: "", into: &out)
        case .icmp: ICMPForm(d).listNumeric(into: &out)
        case .limit: LimitForm(d).list(into: &out)
        case .multiport:
            guard let form = MultiportForm(d) else { return false }
            form.listNumeric(into: &out)
        case .conntrack:
            guard let form = ConntrackForm(d) else { return false }
            form.write(prefix: "", into: &out)
        }
        return true
    }
}
