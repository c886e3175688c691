import CXtables
import Glibc

/// Process-wide set-up shared by every tool.
enum Runtime {
    /// Runs a tool's body after libxtables is set up; renders any ToolError as iptables
    /// does (the body may move the restore line into the renderer) and flushes stdout.
    static func run(family: Family, programName: String,
                    _ body: (inout ErrorRenderer) throws -> Int32) -> Int32 {
        var renderer = ErrorRenderer(programName: programName, version: Version.string)
        var status: Int32
        do {
            try initialize(family: family, programName: programName)
            status = try body(&renderer)
        } catch let e as ToolError {
            Out.error(renderer.render(e))
            status = e.status.rawValue
        } catch let stop as ToolStop {
            status = stop.status
        } catch {
            status = 1
        }
        Out.flush()
        return status
    }

    private static var ready = false

    /// libxtables initialisation with our option table and contained error handler.
    static func initialize(family: Family, programName: String) throws {
        if ready { return }
        guard shim_init(family.nfproto, strdup(programName), BaseOptions.cTable(for: family)) == 0 else {
            throw ToolError(.other, "\(programName)/\(Version.string) Failed to initialize xtables\n", style: .plain)
        }
        ready = true
    }

    /// Opens a table for a command line tool, or fails as iptables does (exit 3).
    static func openTable(family: Family, table: String) throws -> TableSession {
        if let s = TableSession.open(family: family, table: table) { return s }
        let text = String(cString: family.tc.pointee.strerror!(errno)!)
        throw ToolError(.version, "can't initialize \(family.toolName) table `\(table)': \(text)")
    }
}

/// Ends a tool early with a status, its output already written (help, version, a failed line).
struct ToolStop: Error { let status: Int32 }
