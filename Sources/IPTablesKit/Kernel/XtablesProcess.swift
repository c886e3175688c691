import CXtables
import Glibc

/// The process-wide state libxtables and getopt force on us, wrapped once.
///
/// libxtables holds one family per process: its extension lists, the option table it
/// merges into and `xt_params` are globals, and a plugin's constructor registers only the
/// entries of the family that is active when it loads. Contexts of both families can
/// still live in one program: the context in use is *activated* first, and switching to
/// the other family unloads every plugin (`xtables_fini` closes them), forgets the
/// extension lists and sets libxtables up anew, so the plugins load again and register
/// for the new family. Everything here is single-threaded: use one thread for all of it.
enum XtablesProcess {
    /// The family libxtables is set up for, if any.
    private(set) static var activeFamily: Family?
    /// Bumped at every set-up: a context whose cached extension pointers come from an
    /// older generation must forget them.
    private(set) static var generation = 0

    /// The program name libxtables holds (owned here: it must outlive every context).
    private static var programName = ""
    private static var programNameC: UnsafeMutablePointer<CChar>?

    /// The C copy of a program name, kept for as long as libxtables may read it.
    private static func keptName(_ name: String) -> UnsafeMutablePointer<CChar> {
        if let c = programNameC, programName == name { return c }
        let old = programNameC
        let c = strdup(name)!
        programName = name
        programNameC = c
        if activeFamily != nil { shim_set_program_name(c) }
        free(old)
        return c
    }

    /// Sets libxtables up for `family` unless it already is; returns the generation.
    static func activate(_ family: Family, programName name: String) throws -> Int {
        let c = keptName(name)
        if activeFamily == family { return generation }
        if activeFamily != nil { shim_forget_extensions() }
        guard shim_init(family.nfproto, c, BaseOptions.options(for: family).table) == 0 else {
            activeFamily = nil
            throw IPTablesError(.other, "\(name)/\(XtablesVersion.string) Failed to initialize xtables\n", style: .plain)
        }
        activeFamily = family
        generation += 1
        return generation
    }

    /// Whether this process is one run of a tool (set by the tools' driver, never by the
    /// library): it ends right after the run.
    private(set) static var runsAsTool = false

    /// What a tool leaves to the process exit instead of freeing it (the last big table
    /// comparison of a restore): kept reachable, so memory checkers count it still in use.
    private static var keptForExit: AnyObject?

    /// Keeps an object until the process ends, when this process is one run of a tool.
    static func keepUntilExit(_ object: AnyObject) {
        if runsAsTool { keptForExit = object }
    }

    /// A one-shot tool: a plugin's own exit() ends the process, as in iptables (in a
    /// library user's process it is caught inside the shim's guarded calls and thrown),
    /// malloc keeps freed blocks for reuse, and the heap grows ahead of libiptc's copies of
    /// a table (a long-lived process keeps malloc's own settings).
    static func runAsTool() {
        runsAsTool = true
        shim_contain_exit(false)
        shim_heap_for_one_shot()
        shim_reserve_before_reads(true)
    }

    /// Our copy of the -M program libxtables points at (freed when replaced).
    private static var modprobe: UnsafeMutablePointer<CChar>?

    /// -M: the program that loads kernel modules (for the whole process).
    static func setModprobe(_ path: String) {
        let old = modprobe
        modprobe = strdup(path)
        xtables_modprobe_program = UnsafePointer(modprobe)
        free(old)
    }
}

/// The version this library reports: the libxtables it was built against, legacy interface.
public enum XtablesVersion {
    /// "1.8.9".
    public static let number = String(cString: shim_xtables_version())
    /// "1.8.9 (legacy)", as `iptables -V` prints it.
    public static let string = number + " (legacy)"
}

/// C stdout as an output sink: the stream extensions print to, so order holds.
final class StandardOutput: OutputSink {
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        shim_out(base.assumingMemoryBound(to: CChar.self), bytes.count)
    }
    var isStandardOutput: Bool { true }
    func flush() { shim_flush() }
}

/// C stderr as an output sink (C stdout is flushed first, as iptables' order demands).
final class StandardError: OutputSink {
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        shim_err(base.assumingMemoryBound(to: CChar.self), bytes.count)
    }
    var isStandardOutput: Bool { false }
}
