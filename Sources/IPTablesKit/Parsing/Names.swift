import Glibc

/// Checks on chain and target names that need no extension lookup.
enum Names {
    /// Whether the name is one of the verdicts the standard target carries; libiptc refuses
    /// to create or rename a chain to one of them.
    static func isVerdict(_ name: String) -> Bool {
        // Lengths first: chain names are mostly longer, and a length costs nothing.
        switch name.utf8.count {
        case 4: return name == "DROP"
        case 5: return name == "QUEUE"
        case 6: return name == "ACCEPT" || name == "RETURN"
        default: return false
        }
    }

    /// `isVerdict` of a NUL-terminated name (as libiptc hands chain names out).
    static func isVerdict(cName name: UnsafePointer<CChar>) -> Bool {
        switch name[0] {
        case 0x44: return strcmp(name, "DROP") == 0
        case 0x51: return strcmp(name, "QUEUE") == 0
        case 0x41: return strcmp(name, "ACCEPT") == 0
        case 0x52: return strcmp(name, "RETURN") == 0
        default: return false
        }
    }

    /// iptables' checks on a -j/-g name.
    static func validTargetName(_ name: String) throws -> String {
        if name.isEmpty { throw IPTablesError.parameter("Invalid target name (too short)") }
        if name.utf8.count >= 29 { throw IPTablesError.parameter("Invalid target name `\(name)' (28 chars max)") }
        if hasSpace(name) { throw IPTablesError.parameter("Invalid target name `\(name)'") }
        return name
    }

    /// isspace in the C locale.
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    /// Whether any byte of the name is white space.
    static func hasSpace(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            for b in bytes where isSpace(b) { return true }
            return false
        }
    }
}
