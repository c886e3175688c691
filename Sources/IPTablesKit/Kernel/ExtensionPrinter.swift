import CXtables
import Glibc

/// Runs the extensions' print and save callbacks of a rule into a line writer. They print
/// with C stdio: when the writer's sink is C stdout they print straight to it (after a
/// flush, to keep the order); otherwise their output is captured and appended.
enum ExtensionPrinter {
    /// Runs one callback (which returns the shim's status) with its output where it belongs.
    static func run(into out: inout LineWriter, _ call: () -> Int32) throws {
        if out.extensionsPrintDirectly {
            out.flush()
            guard call() == 0 else { throw IPTablesError.caught() }
            return
        }
        guard shim_capture_begin() == 0 else {
            throw IPTablesError(.other, "cannot capture extension output\n", style: .plain)
        }
        let status = call()
        var length = 0
        let text = shim_capture_end(&length)
        defer { free(text) }
        if let t = text { out.put(bytes: UnsafeRawBufferPointer(start: t, count: length)) }
        guard status == 0 else { throw IPTablesError.caught() }
    }

    /// The -L form of a rule's matches and target (after the address columns).
    static func list(entry: UnsafeRawPointer, targetName: String, jumpsToChain: Bool, numeric: Bool,
                     context: XtablesContext, into out: inout LineWriter) throws {
        let nf = context.family.nfproto
        let n: Int32 = numeric ? 1 : 0
        out.flushIfDirect()  // before any lookup: loading a plugin may write to stderr
        var i: UInt32 = 0
        while let m = shim_entry_match(nf, entry, i) {
            i += 1
            let nameC = shim_match_name(m)
            let found = context.printLookups.match(nameC, revision: shim_match_revision(m), in: context,
                                                   beforeLoading: { out.flushIfDirect() })
            if let match = found.any {
                if let e = found.exact, e.pointee.print != nil {
                    if numeric, let native = found.native, native.listNumeric(m, into: &out) { continue }
                    try run(into: &out) { shim_match_print(e, entry, m, n) }
                } else if match.pointee.print != nil {
                    out.put(cString: nameC); out.put(" [unsupported revision] ")
                } else {
                    out.put(cString: nameC); out.put(byte: 0x20)
                }
            } else if nameC.pointee != 0 {
                out.put("UNKNOWN match `"); out.put(cString: nameC); out.put("' ")
            }
        }
        // A jump to a user chain uses the standard target, which prints nothing.
        if jumpsToChain { return }
        try listTarget(entry: entry, targetName: targetName, numeric: n, context: context, into: &out)
    }

    private static func listTarget(entry: UnsafeRawPointer, targetName: String, numeric n: Int32,
                                   context: XtablesContext, into out: inout LineWriter) throws {
        let t = shim_entry_target(context.family.nfproto, entry)
        let found = targetName.withCString {
            context.printLookups.target($0, revision: shim_target_revision(t), in: context, beforeLoading: { out.flushIfDirect() })
        }
        if let target = found.any {
            if let e = found.exact, e.pointee.print != nil {
                if let native = found.native, native.list(t, numeric: n != 0, into: &out) { return }
                try run(into: &out) { shim_target_print(e, entry, t, n) }
            } else if target.pointee.print != nil {
                out.put(" "); out.put(cString: target.pointee.name); out.put(" [unsupported revision]")
            }
        } else if shim_target_size(t) != 32 {
            out.put("["); out.put(UInt64(Int(shim_target_size(t)) - 32)); out.put(" bytes of unknown target data] ")
        }
    }

    /// The save form (" -m name --opt …") of a rule's matches.
    static func saveMatches(entry: UnsafeRawPointer, context: XtablesContext, into out: inout LineWriter) throws {
        var i: UInt32 = 0
        while try saveMatch(i, entry: entry, context: context, into: &out) { i += 1 }
    }

    /// The save form of match `index`; false past the last match.
    static func saveMatch(_ index: UInt32, entry: UnsafeRawPointer, context: XtablesContext,
                          into out: inout LineWriter) throws -> Bool {
        guard let m = shim_entry_match(context.family.nfproto, entry, index) else { return false }
        let name = shim_match_name(m)
        let found = context.printLookups.match(name, revision: shim_match_revision(m), in: context,
                                               beforeLoading: { out.flushIfDirect() })
        guard let match = found.any else {
            if shim_match_size(m) != 0 {
                out.flush()
                throw IPTablesError(.other, "Can't find library for match `\(String(cString: name))'\n", style: .plain)
            }
            return true
        }
        let shown = found.exact ?? match
        out.put(" -m ")
        if let alias = shown.pointee.alias { out.put(cString: alias(m)!) } else { out.put(cString: name) }
        if let e = found.exact, e.pointee.save != nil {
            if let native = found.native, native.save(m, into: &out) { return true }
            try run(into: &out) { shim_match_save(e, entry, m) }
        } else if match.pointee.save != nil {
            out.put(" [unsupported revision]")
        }
        return true
    }

    /// The save form of a rule's target (" -j X …" / " -g CHAIN"); `label` is libiptc's
    /// name of the target (a verdict, a chain, an extension, or "").
    static func saveTarget(entry: UnsafeRawPointer, isGoto: Bool, label: UnsafePointer<CChar>,
                           context: XtablesContext, into out: inout LineWriter) throws {
        let t = shim_entry_target(context.family.nfproto, entry)
        let blob = shim_target_name(t)
        if blob.pointee == 0 {
            if label.pointee != 0 {
                out.put(isGoto ? " -g " : " -j ")
                out.put(cString: label)
            }
            return
        }
        let found = context.printLookups.target(blob, revision: shim_target_revision(t), in: context,
                                                beforeLoading: { out.flushIfDirect() })
        guard let target = found.any else {
            out.flush()
            throw IPTablesError(.other, "Can't find library for target `\(String(cString: blob))'\n", style: .plain)
        }
        let shown = found.exact ?? target
        out.put(" -j ")
        if let alias = shown.pointee.alias { out.put(cString: alias(t)!) } else { out.put(cString: label) }
        if let e = found.exact, e.pointee.save != nil {
            if let native = found.native, native.save(t, into: &out) { return }
            try run(into: &out) { shim_target_save(e, entry, t) }
        } else if target.pointee.save != nil {
            out.put(" [unsupported revision]")
        } else if shim_target_size(t) != 32 {
            out.flush()
            throw IPTablesError(.other, "Target `\(String(cString: blob))' is missing save function\n", style: .plain)
        }
    }
}

/// The help texts of the extensions a command line named (targets used, then matches).
enum ExtensionHelp {
    static func write(matches: UnsafeMutablePointer<xtables_rule_match>?, into out: inout LineWriter) throws {
        var t = xtables_targets
        while let target = t {
            if target.pointee.used != 0 {
                out.put("\n")
                if let help = target.pointee.help {
                    try ExtensionPrinter.run(into: &out) { help(); return 0 }
                } else {
                    out.put(cString: target.pointee.name); out.put(" does not take any options\n")
                }
            }
            t = target.pointee.next
        }
        var node = matches
        while let n = node {
            out.put("\n")
            let m = n.pointee.match!
            if let help = m.pointee.help {
                try ExtensionPrinter.run(into: &out) { help(); return 0 }
            } else {
                out.put(cString: m.pointee.name); out.put(" does not take any options\n")
            }
            node = n.pointee.next
        }
    }
}
