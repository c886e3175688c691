// swift-tools-version:5.9
// iptables-swift: a drop-in replacement for iptables-legacy on libiptc and libxtables.
import PackageDescription

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
            linkerSettings: [
                .linkedLibrary("xtables"),
                .linkedLibrary("ip4tc"),
                .linkedLibrary("ip6tc"),
            ]
        ),
        /// Everything else: command model, parser, encoder/decoder, table session, lock, formats, tools.
        .target(name: "IPTables", dependencies: ["CXtables"]),
        .executableTarget(name: "xtables-swift-multi", dependencies: ["IPTables"]),
        .testTarget(name: "IPTablesTests", dependencies: ["IPTables"]),
    ]
)
