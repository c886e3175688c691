// swift-tools-version:5.9
// iptables-swift: a drop-in replacement for iptables-legacy on libiptc and libxtables.
import PackageDescription
import Foundation

/// The version of the installed libxtables (`pkg-config --modversion xtables`, e.g. "1.8.9"):
/// the tools report it as iptables does, because clients parse that line.
func xtablesVersion() -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["pkg-config", "--modversion", "xtables"]
    let pipe = Pipe()
    p.standardOutput = pipe
    guard (try? p.run()) != nil else { return "1.8.9" }
    p.waitUntilExit()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    return p.terminationStatus == 0 && !text.isEmpty ? text : "1.8.9"
}

let package = Package(
    name: "iptables-swift",
    products: [
        .executable(name: "xtables-swift-multi", targets: ["xtables-swift-multi"]),
    ],
    targets: [
        /// The C boundary: libxtables/libiptc headers plus what Swift cannot express
        /// (variadic exit_err containment with setjmp, entry layout, per-family libiptc table).
        .target(
            name: "CXtables",
            cSettings: [.define("XTABLES_PACKAGE_VERSION", to: "\"\(xtablesVersion())\"")],
            linkerSettings: [
                .linkedLibrary("xtables"),
                .linkedLibrary("ip4tc"),
                .linkedLibrary("ip6tc"),
            ]
        ),
        /// Everything else: command model, parser, encoder/decoder, table session, lock, formats, tools.
        .target(
            name: "IPTables",
            dependencies: ["CXtables"],
            // All libxtables work is single-threaded; dynamic exclusivity checks only cost time
            // on the per-rule paths.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .executableTarget(name: "xtables-swift-multi", dependencies: ["IPTables"]),
        .testTarget(name: "IPTablesTests", dependencies: ["IPTables"]),
    ]
)
