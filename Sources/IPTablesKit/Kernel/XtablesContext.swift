import CXtables
import Glibc

/// One family's view of libxtables, and everything a run keeps about it: the announced
/// chain names, the extension lookups of the printers, protocol names, the output sinks.
/// Nothing of this lives in globals: a program may hold one context per family (see
/// `XtablesProcess` for how they share the process's libxtables).
public final class XtablesContext {
    /// The family this context parses and prints.
    public let family: Family
    /// The program name in messages ("iptables", "ip6tables-restore", …).
    public internal(set) var programName: String
    /// Where printers write.
    public var output: OutputSink
    /// Where warnings and notices go (stderr for the tools).
    public var diagnostics: OutputSink
    /// The XtablesProcess generation this context's cached lookups belong to.
    private var generation = 0

    /// Chain names restore has declared, each with the run of declarations that last
    /// declared it: `-j NAME` with such a name jumps to the chain without asking libxtables
    /// for a target extension of that name, as iptables-restore's xtables_announce_chain
    /// arranges (libxtables keeps those in 512 lists walked with strcmp, a seventh of a
    /// kube-proxy restore; a hash here costs nothing). Made at the first announcement.
    private var announced: NameTable?
    /// The printers' extension lookups, by name and revision.
    var printLookups = PrintLookups()
    /// Whether the process ends right after the run (the tools): big tables are then left
    /// to the exit instead of being freed. False in a library user's process.
    var endsWithProcess: Bool { XtablesProcess.runsAsTool }
    /// Protocol names already looked up.
    var protocolNames = ProtocolNames()
    /// The parsed any-address ("0.0.0.0/0" or "::0/0").
    var anyAddresses: AddressList?

    /// A context writing to the process's stdout and stderr (what the tools use).
    public convenience init(family: Family, programName: String) throws {
        try self.init(family: family, programName: programName, output: StandardOutput(), diagnostics: StandardError())
    }

    /// A context writing to the given sinks; libxtables is set up for the family now.
    public init(family: Family, programName: String, output: OutputSink, diagnostics: OutputSink) throws {
        self.family = family
        self.programName = programName
        self.output = output
        self.diagnostics = diagnostics
        try activate()
    }

    deinit { printLookups.clear() }

    /// Makes libxtables serve this context's family (a no-op when it already does).
    /// Library entry points call it first; the tools use one family per process.
    public func activate() throws {
        let g = try XtablesProcess.activate(family, programName: programName)
        if g != generation {
            printLookups.clear()
            generation = g
        }
    }

    /// Forgets the chains restore announced (a new run).
    func resetAnnouncements() { announced = nil }

    /// Whether restore has declared this chain name.
    func isAnnounced(_ name: String) -> Bool { announced?.contains(name) ?? false }

    /// Declares a chain name as not being a target extension, in the given run of
    /// declarations; returns the run that declared it before, if any.
    @discardableResult
    func announceChain(_ name: String, run: Int) -> Int? {
        if announced == nil { announced = NameTable() }
        return announced!.updateValue(run, forKey: name)
    }

    /// Sets libxtables' restore line number, which a few extensions put in messages.
    func setLine(_ line: Int) { shim_set_line(Int32(line)) }

    /// Writes a notice or warning (stdout is flushed first when both are the process's).
    func warn(_ text: String) { diagnostics.write(text) }
}
