import CXtables
import Glibc

/// What the machine offers the check: the kernel's x_tables for a family, the extension
/// plugin files, the kernel's registered extensions, the options merged so far.
enum KernelFeatures {
    /// Whether the kernel has ip_tables (ip6_tables) loaded: its table-names file exists
    /// (an unprivileged process may not read it, but it is there).
    static func tablesLoaded(_ family: Family) -> Bool {
        var st = stat()
        return stat(family.tableNamesFile, &st) == 0
    }

    /// The directory libxtables loads extension plugins from.
    static var pluginDirectory: String { String(cString: shim_plugin_directory()) }

    /// The plugin files that would provide an extension of this name for the family.
    static func pluginFiles(_ name: String, family: Family) -> [String] {
        let own = family.isIPv6 ? "libip6t_" : "libipt_"
        return [own, "libxt_"].map { "\(pluginDirectory)/\($0)\(name).so" }.filter { access($0, F_OK) == 0 }
    }

    /// The extension names of every plugin file for the family, matches and targets
    /// alike (upper-case names are targets by convention).
    static func pluginNames(family: Family) -> [String] {
        guard let dir = opendir(pluginDirectory) else { return [] }
        defer { closedir(dir) }
        let own = family.isIPv6 ? "libip6t_" : "libipt_"
        var names: Set<String> = []
        while let entry = readdir(dir) {
            let file = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard file.hasSuffix(".so") else { continue }
            for prefix in [own, "libxt_"] where file.hasPrefix(prefix) {
                names.insert(String(file.dropFirst(prefix.count).dropLast(3)))
            }
        }
        return names.sorted()
    }

    /// The matches or targets the kernel has registered for the family in this network
    /// namespace (`/proc/net/ip_tables_matches`); nil when it cannot be read.
    static func registered(_ kind: String, family: Family) -> Set<String>? {
        let path = "/proc/net/\(family.isIPv6 ? "ip6" : "ip")_tables_\(kind)"
        guard let f = fopen(path, "re") else { return nil }
        defer { fclose(f) }
        var names: Set<String> = []
        var buffer = [CChar](repeating: 0, count: 64)
        while fgets(&buffer, 64, f) != nil {
            names.insert(String(cString: buffer).trimmingNewline())
        }
        return names
    }

    /// The long option names of the options merged so far (the base options and those of
    /// every extension the current line loaded), without the leading dashes.
    static func mergedLongOptions() -> [String] {
        guard var o = Optional(shim_options()) else { return [] }
        var names: [String] = []
        while let name = o.pointee.name {
            names.append(String(cString: name))
            o += 1
        }
        return names
    }
}

extension String {
    /// The string without one trailing newline.
    func trimmingNewline() -> String { hasSuffix("\n") ? String(dropLast()) : self }
}
