import CXtables
import Glibc

/// Writes decoded rules back: the entry bytes as they were read, with the target's label
/// put back in the standard target's name (libiptc stores verdicts and jumps under "").
enum RuleEntryWriter {
    /// Runs `body` with the rule's entry as libiptc takes it for a write.
    static func withEntry(_ rule: Rule, family: Family, _ body: (UnsafeRawPointer) throws -> Void) throws {
        let valid = rule.entry.withUnsafeBytes { shim_entry_fits(family.nfproto, $0.baseAddress!, $0.count) }
        guard valid else {
            throw IPTablesError.parameter("the rule's entry does not have the \(family.name) layout")
        }
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: rule.entry.count, alignment: 8)
        defer { bytes.deallocate() }
        rule.entry.withUnsafeBytes { bytes.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        if let t = rule.target, t.options.isEmpty, shim_target_name(shim_entry_target(family.nfproto, bytes)).pointee == 0 {
            shim_entry_set_target_name(family.nfproto, bytes, t.name)
        }
        try body(UnsafeRawPointer(bytes))
    }
}
