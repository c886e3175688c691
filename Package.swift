// swift-tools-version:5.9
// iptables-swift: a drop-in replacement for iptables-legacy on libiptc and libxtables.
import PackageDescription
import Foundation

/// What pkg-config says of the installed libxtables: its version (`--modversion`, e.g.
/// "1.8.9", which the tools report as iptables does, because clients parse that line) and
/// its plugin directory (`--variable=xtlibdir`, where the check looks for plugin files).
/// There is no fallback: a build that cannot ask pkg-config stops here with the reason.
func xtablesPkgConfig(_ query: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["pkg-config", query, "xtables"]
    let pipe = Pipe()
    p.standardOutput = pipe
    do { try p.run() } catch {
        fatalError("iptables-swift: cannot run pkg-config (\(error)); install pkg-config and libxtables-dev")
    }
    p.waitUntilExit()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    guard p.terminationStatus == 0, !text.isEmpty else {
        fatalError("iptables-swift: `pkg-config \(query) xtables` failed; install libxtables-dev")
    }
    return text
}

let package = Package(
    name: "iptables-swift",
    products: [
        /// The core as a library: parse, encode, read and write tables, render every format.
        .library(name: "IPTablesKit", targets: ["IPTablesKit"]),
        /// The multi-call executable behind iptables, ip6tables and their -save/-restore.
        .executable(name: "xtables-swift-multi", targets: ["xtables-swift-multi"]),
        /// JSON in and out for rulesets, on Foundation's coders (never linked by the tools).
        .library(name: "IPTablesKitJSON", targets: ["IPTablesKitJSON"]),
        /// The helper the tools hand JSON work to (libexec/iptables-swift/iptables-swift-json).
        .executable(name: "iptables-swift-json", targets: ["iptables-swift-json"]),
    ],
    targets: [
        /// The C boundary: libxtables/libiptc headers plus what Swift cannot express
        /// (variadic exit_err containment with setjmp, entry layout, per-family libiptc table).
        .target(
            name: "CXtables",
            cSettings: [
                .define("XTABLES_PACKAGE_VERSION", to: "\"\(xtablesPkgConfig("--modversion"))\""),
                .define("XTABLES_PLUGIN_DIR", to: "\"\(xtablesPkgConfig("--variable=xtlibdir"))\""),
            ],
            linkerSettings: [
                .linkedLibrary("xtables"),
                .linkedLibrary("ip4tc"),
                .linkedLibrary("ip6tc"),
            ]
        ),
        /// The library, one folder per role: Model, Parsing, Kernel (the only Swift that
        /// imports CXtables), Formats, Tools. No unsafe flags: another package can depend on
        /// it by path. (scripts/build adds -enforce-exclusivity=unchecked to release builds.)
        .target(name: "IPTablesKit", dependencies: ["CXtables"]),
        /// Start-up trims for the executables only: definitions that keep objects of the
        /// static Swift runtime (its argv finder, its crash backtracer) out of the link.
        .target(name: "CStartup"),
        .executableTarget(name: "xtables-swift-multi", dependencies: ["IPTablesKit", "CStartup"]),
        /// Foundation lives here and in the helper only: the hot tools start without it.
        .target(name: "IPTablesKitJSON", dependencies: ["IPTablesKit"]),
        .executableTarget(name: "iptables-swift-json", dependencies: ["IPTablesKitJSON", "CStartup"]),
        .testTarget(name: "IPTablesKitTests", dependencies: ["IPTablesKit"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "IPTablesKitJSONTests", dependencies: ["IPTablesKitJSON"]),
    ]
)
