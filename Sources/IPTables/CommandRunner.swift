import CXtables
import Glibc

/// Carries out one parsed command on an open table, as iptables-legacy's do_command does.
/// Returns false when libiptc refused (its errno is in the session); throws parameter errors.
struct CommandRunner {
    let command: ParsedCommand
    let session: TableSession

    private var family: Family { session.family }
    private var verbose: Bool { command.options.contains(.verbose) }
    private var chain: String { command.chain ?? "" }

    /// Runs the command; with -vv, then prints libiptc's dump of the table.
    func run() throws -> Bool {
        let ok = try runCommand()
        if command.verbose > 1 { session.dump() }
        return ok
    }

    private func runCommand() throws -> Bool {
        let c = command.commands
        if c.isEmpty { return true }
        if !c.intersection(Commands.ruleCommands).isEmpty { return try runRuleCommand() }
        switch c {
        case .deleteNum: return session.deleteRule(chain, at: command.ruleNumber - 1)
        case .flush: return forEachChain(includingBuiltins: true) { verboseLine("Flushing", $0); return session.flush($0) }
        case .zero: return zeroChains()
        case .zeroNum: return zeroRule()
        case .newChain: return session.createChain(chain)
        case .deleteChain:
            return forEachChain(includingBuiltins: false) { verboseLine("Deleting", $0); return session.deleteChain($0) }
        case .renameChain: return session.renameChain(chain, to: command.newName ?? "")
        case .setPolicy:
            let counters = command.options.contains(.counters) ? (command.header.pcnt, command.header.bcnt) : nil
            return session.setPolicy(chain, command.policy ?? "", counters: counters)
        default: return try runListing()
        }
    }

    // MARK: - Chains

    private func verboseLine(_ verb: String, _ name: String) {
        if verbose { Out.write("\(verb) chain `\(name)'\n") }
    }

    /// Applies `body` to the named chain, or to every chain (user chains only unless asked).
    private func forEachChain(includingBuiltins: Bool, _ body: (String) -> Bool) -> Bool {
        if let name = command.chain { return body(name) }
        var ok = true
        for name in session.chains() where includingBuiltins || !session.isBuiltin(name) {
            ok = body(name) && ok
        }
        return ok
    }

    /// -Z [CHAIN]: zeroes the chain, or every chain, with -v naming each.
    private func zeroChains() -> Bool {
        forEachChain(includingBuiltins: true) { verboseLine("Zeroing", $0); return session.zero($0) }
    }

    /// -Z CHAIN N: zeroes rule N only. (iptables-legacy 1.8.9 also reset the chain's
    /// policy counters; that was fixed upstream and we keep them.)
    private func zeroRule() -> Bool {
        let policy = session.policy(of: chain)
        guard session.zeroRule(chain, number: command.ruleNumber) else { return false }
        if let p = policy { _ = session.setPolicy(chain, p.name, counters: (p.packets, p.bytes)) }
        return true
    }

    // MARK: - Listing

    /// -L or -S, then the -Z that may go with them.
    private func runListing() throws -> Bool {
        let c = command.commands
        var ok: Bool
        if c.contains(.list) { ok = try list() } else { ok = try listRules() }
        if ok && c.contains(.zero) {
            ok = zeroChains()
        }
        if ok && c.contains(.zeroNum) { ok = zeroRule() }
        return ok
    }

    /// -L: chain headers and rows in the table form.
    private func list() throws -> Bool {
        var style: ListStyle = [.options]
        style.insert(verbose ? .via : .noCounts)
        if command.options.contains(.numeric) { style.insert(.numeric) }
        if !command.options.contains(.expanded) { style.insert(.kiloMegaGiga) }
        if command.options.contains(.lineNumbers) { style.insert(.lineNumbers) }
        var found = false
        for name in session.chains() where command.chain == nil || command.chain == name {
            if found { Out.write("\n") }
            if command.ruleNumber == 0 {
                let policy = session.isBuiltin(name) ? session.policy(of: name) : nil
                let refs = policy == nil ? session.references(of: name) : nil
                Out.write(ListFormat.header(chain: name, policy: policy, references: refs, style: style))
            }
            for (i, e) in session.rules(of: name).enumerated()
                where command.ruleNumber == 0 || i + 1 == Int(command.ruleNumber) {
                try ListFormat.writeRow(entry: e, targetName: session.targetName(of: e), number: i + 1,
                                        style: style, session: session)
                Out.write("\n")
            }
            found = true
        }
        return found || failWith(ENOENT)
    }

    /// -S: -P/-N lines, then the rules as commands.
    private func listRules() throws -> Bool {
        let counters = verbose
        var found = false
        let chains = session.chains().filter { command.chain == nil || command.chain == $0 }
        if command.ruleNumber == 0 {
            var head = ""
            for name in chains {
                if session.isBuiltin(name), let p = session.policy(of: name) {
                    head += "-P \(name) \(p.name)" + (counters ? " -c \(p.packets) \(p.bytes)" : "") + "\n"
                } else {
                    head += "-N \(name)\n"
                }
            }
            Out.write(head)
        }
        defer { RuleSaveFormat.flush() }
        for name in chains {
            for (i, e) in session.rules(of: name).enumerated()
                where command.ruleNumber == 0 || i + 1 == Int(command.ruleNumber) {
                try RuleSaveFormat.write(entry: e, chain: name, counters: counters ? .inline : .none, session: session)
            }
            found = true
        }
        return found || failWith(ENOENT)
    }

    /// A failure found here rather than in libiptc (iptables sets errno itself).
    private func failWith(_ err: Int32) -> Bool {
        session.noteFailure(err)
        return false
    }

    // MARK: - Rules

    /// -A/-I/-R/-D/-C with a rule: one entry, once per source/destination pair.
    private func runRuleCommand() throws -> Bool {
        let target = try resolveTarget()
        var header = command.header
        let entry = shim_entry_build(family.nfproto, &header, command.matches, shim_target_blob(target))!
        defer { free(entry) }
        let c = command.commands
        let needsMask = c == .delete || c == .check
        let mask = needsMask ? shim_entry_mask(family.nfproto, command.matches, target) : nil
        defer { free(mask) }
        let targetName = String(cString: shim_target_name(shim_target_blob(target)))
        return try chain.withCString { chain in
            try apply(c, chain: chain, entry: entry, mask: mask, header: &header, targetName: targetName)
        }
    }

    /// Runs a rule command once per source/destination pair.
    private func apply(_ c: Commands, chain: UnsafePointer<CChar>, entry: UnsafeMutableRawPointer,
                       mask: UnsafeMutablePointer<UInt8>?, header: inout shim_rule_ip, targetName: String) throws -> Bool {
        var ok = true
        for s in command.sources {
            for d in command.destinations {
                setAddresses(entry, source: s, destination: d, header: &header)
                if verbose { try echo(entry, targetName: targetName) }
                switch c {
                case .append: ok = session.append(chain, entry) && ok
                case .insert: ok = session.insert(chain, entry, at: command.ruleNumber - 1) && ok
                case .replace: ok = session.replace(chain, entry, at: command.ruleNumber - 1) && ok
                case .delete: ok = session.delete(chain, entry, mask: mask!) && ok
                default: ok = session.check(chain, entry, mask: mask!) && ok
                }
            }
        }
        return ok
    }

    /// Puts one source/destination pair into the entry.
    private func setAddresses(_ entry: UnsafeMutableRawPointer, source s: AddressSlot, destination d: AddressSlot,
                              header: inout shim_rule_ip) {
        header.src = s.address
        header.smsk = s.mask
        header.dst = d.address
        header.dmsk = d.mask
        shim_entry_set_ip(family.nfproto, entry, &header)
    }

    /// The -v line of a rule command, in the compact listing form.
    private func echo(_ entry: UnsafeRawPointer, targetName: String) throws {
        try ListFormat.writeRow(entry: entry, targetName: targetName, number: 0, style: .echo, session: session)
        Out.write("\n")
    }

    /// The target of the rule: its extension, or the standard target for verdicts,
    /// chains and no target at all; unknown names fail as iptables reports them.
    private func resolveTarget() throws -> UnsafeMutablePointer<xtables_target> {
        let jump = command.jumpTo
        let jumpIsChain = !jump.isEmpty && session.isChain(jump)
        if let t = command.target, jumpIsChain {
            Out.error("Warning: using chain \(jump), not extension\n")
            free(t.pointee.t)
            t.pointee.t = nil
            command.target = nil
        }
        if let t = command.target { return t }
        if jump.isEmpty || jumpIsChain {
            var t: UnsafeMutablePointer<xtables_target>?
            guard shim_standard_target(jump, !jumpIsChain, &t) == 0 else { throw ToolError.caught() }
            command.target = t
            return t!
        }
        if command.isGoto { throw ToolError.parameter("goto '\(jump)' is not a chain") }
        _ = try Extensions.findTarget(jump, .mustSucceed)
        throw ToolError.parameter("Couldn't load target `\(jump)'")
    }
}
