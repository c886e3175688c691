import CXtables
import Glibc

/// Turning a parsed rule into kernel entries: the target it jumps to, then one encoded
/// `ipt_entry`/`ip6t_entry` per source/destination pair.
extension RuleDraft {
    /// Whether -j loaded a target extension (or the standard target was chosen).
    var hasTarget: Bool { target != nil }
    /// Whether the target is the standard one (a verdict, a jump or none), not an extension.
    var usesStandardTarget: Bool { target.map { strcmp($0.pointee.name, "standard") == 0 } ?? false }

    /// Drops a loaded target extension: the jump names a chain after all.
    func dropTarget() {
        guard let t = target else { return }
        free(t.pointee.t)
        t.pointee.t = nil
        target = nil
    }

    /// Uses the standard target with a label: a verdict, a chain, or "" for none.
    func useStandardTarget(_ label: String, setRevision: Bool) throws {
        var t: UnsafeMutablePointer<xtables_target>?
        guard label.withCString({ shim_standard_target($0, setRevision, &t) }) == 0 else { throw IPTablesError.caught() }
        target = t
    }

    /// The name stored in the target blob (what -v echoes as the target).
    var targetName: String { String(cString: shim_target_name(shim_target_blob(target!)!)) }

    /// Runs `body` with each encoded entry (one per source/destination pair, in iptables'
    /// order) and, when asked, the comparison mask libiptc's delete and check take.
    func withEntries(mask wantMask: Bool,
                     _ body: (UnsafeRawPointer, UnsafeMutablePointer<UInt8>?) throws -> Void) throws {
        var h = header
        let nf = context.family.nfproto
        let entry = shim_entry_build(nf, &h, matches, shim_target_blob(target!)!)
        defer { free(entry) }
        let mask = wantMask ? shim_entry_mask(nf, matches, target!) : nil
        defer { free(mask) }
        // By index: iterating the lists would destroy an iterator through its type metadata.
        for i in 0..<sources.count {
            let s = sources[i]
            for j in 0..<destinations.count {
                let d = destinations[j]
                withUnsafeMutableBytes(of: &h.src) { a in
                    withUnsafeMutableBytes(of: &h.smsk) { s.store(address: a.baseAddress!, mask: $0.baseAddress!) }
                }
                withUnsafeMutableBytes(of: &h.dst) { a in
                    withUnsafeMutableBytes(of: &h.dmsk) { d.store(address: a.baseAddress!, mask: $0.baseAddress!) }
                }
                shim_entry_set_ip(nf, entry, &h)
                try body(UnsafeRawPointer(entry), mask)
            }
        }
    }
}
