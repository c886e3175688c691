import CXtables
import Glibc

/// Rules for user chain names (-N, and -E's new name).
enum ChainName {
    static func validate(_ name: String) throws {
        if name.utf8.count >= 29 {
            throw ToolError.parameter("chain name `\(name)' too long (must be under 29 chars)")
        }
        if let first = name.first, first == "-" || first == "!" {
            throw ToolError.parameter("chain name not allowed to start with `\(first)'")
        }
        if try Extensions.findTarget(name, .tryLoad) != nil {
            throw ToolError.parameter("chain name may not clash with target name")
        }
        if Extensions.hasSpace(name) {
            throw ToolError.parameter("Invalid chain name `\(name)'")
        }
    }
}
