import Glibc

/// What `iptables-swift status` reports, gathered without changing anything and without
/// waiting for the lock: per family, the tables each backend holds (legacy x_tables from
/// the kernel's table names, nf_tables over netlink) with their chain and rule counts, and
/// which program the `iptables`/`ip6tables` alternative selects; then who holds the xtables
/// lock and whether an `apply --confirm` is pending. Its values are public copies of the
/// internal ones (`NftablesBackend.Table`, `LockHolder`, `PendingApply.State`), so the
/// library's users see plain fields.
public struct SystemStatus {
    /// One table of one backend.
    public struct TableCount: Equatable {
        public var name: String
        public var chains: Int
        public var rules: Int
        /// nf_tables only: named like an iptables table and holding a chain (iptables-nft's).
        public var iptablesNft: Bool
    }

    /// One backend of one family: its tables, or why they could not be read.
    public struct Backend {
        /// The tables (empty: none); nil when they could not be read or not asked for.
        public var tables: [TableCount]?
        /// Why `tables` is nil ("not loaded" for nf_tables that asking would load).
        public var note: String?
        /// Whether reading failed (as opposed to a backend that is simply absent).
        public var failed: Bool
    }

    /// The update-alternatives link of a tool name.
    public struct Alternative {
        public var name: String
        /// The program the link selects; nil when no alternative is registered.
        public var value: String?
        /// "auto" or "manual" (dpkg's admin file); nil when unknown.
        public var mode: String?
    }

    /// One family's report.
    public struct FamilyStatus {
        public var family: Family
        public var legacy: Backend
        public var nft: Backend
        public var alternative: Alternative
    }

    /// The pending `apply --confirm`.
    public struct Pending {
        /// The detached timer process that rolls back at the deadline.
        public var timerPID: Int32
        /// Seconds since the epoch when it rolls back unless confirmed.
        public var deadline: Int
        /// The rules files the apply loaded.
        public var files: [String]
    }

    /// One report per family asked for, in the order asked.
    public var families: [FamilyStatus]
    /// The xtables lock file.
    public var lockPath: String
    /// The lock holder's PID (0: outside this PID namespace); nil when the lock is free.
    public var lockHolderPID: Int32?
    /// The lock holder's command line; nil when the lock is free.
    public var lockHolderCommand: String?
    /// The apply waiting for its confirmation, if any.
    public var pending: Pending?
    /// When it was gathered (seconds since the epoch).
    public var now: Int

    /// Whether some part could not be read.
    public var hasFailures: Bool { families.contains { $0.legacy.failed || $0.nft.failed } }

    /// Gathers the report for the given families.
    public static func gather(_ families: [Family]) -> SystemStatus {
        let path = XtablesLock.path
        let holder = LockHolder.of(path: path)
        let pending = PendingApply.current().map { Pending(timerPID: $0.pid, deadline: $0.deadline, files: $0.files) }
        return SystemStatus(families: families.map(familyStatus), lockPath: path, lockHolderPID: holder?.pid,
                            lockHolderCommand: holder?.commandLine, pending: pending, now: Int(time(nil)))
    }

    private static func familyStatus(_ family: Family) -> FamilyStatus {
        FamilyStatus(family: family, legacy: legacyBackend(family), nft: nftBackend(family),
                     alternative: alternative(family.toolName))
    }

    /// The legacy tables the kernel lists, each opened (without the lock) and counted.
    static func legacyBackend(_ family: Family) -> Backend {
        let kernel = KernelTables(locking: false)
        do {
            let counts = try kernel.loadedTables(family: family).map { name -> TableCount in
                let session = try kernel.openForReading(family: family, table: name)
                let chains = session.chains()
                let rules = chains.reduce(0) { $0 + session.rules(of: $1).count }
                return TableCount(name: name, chains: chains.count, rules: rules, iptablesNft: false)
            }
            return Backend(tables: counts, note: nil, failed: false)
        } catch let e as IPTablesError {
            return Backend(tables: nil, note: e.message.trimmingNewline(), failed: true)
        } catch {
            return Backend(tables: nil, note: "\(error)", failed: true)
        }
    }

    /// The nf_tables tables of the family; not asked when asking would load the module.
    static func nftBackend(_ family: Family) -> Backend {
        do {
            guard let tables = try NftablesBackend.inventory(family) else {
                return Backend(tables: nil, note: "nf_tables not loaded", failed: false)
            }
            return Backend(tables: tables.map {
                TableCount(name: $0.name, chains: $0.chains, rules: $0.rules, iptablesNft: $0.isIPTablesNft)
            }, note: nil, failed: false)
        } catch let e as IPTablesError {
            return Backend(tables: nil, note: String(cString: strerror(e.errno ?? EIO)), failed: true)
        } catch {
            return Backend(tables: nil, note: "\(error)", failed: true)
        }
    }

    /// Where /etc/alternatives/NAME points, and the mode dpkg's admin file gives it.
    static func alternative(_ name: String) -> Alternative {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/etc/alternatives/\(name)", &buffer, buffer.count - 1)
        let value = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        let admin = TextFile.read("/var/lib/dpkg/alternatives/\(name)")
        let mode = admin?.split(separator: "\n").first.map(String.init)
        return Alternative(name: name, value: value, mode: mode)
    }
}
