// swift-tools-version:6.0
// rlr plugin: dilated-window local cross attention (block "dlca") and the `dilated window` command.
// Build: swift build -c release; load: rlr --plugin .build/release/libDilatedAttention.so
// Build it with the same Swift toolchain as rlr, against the same Core (docs/plugins.md).
import PackageDescription

let package = Package(
    name: "DilatedAttention",
    products: [.library(name: "DilatedAttention", type: .dynamic, targets: ["DilatedAttention"])],
    dependencies: [.package(path: "../../Core")],
    targets: [.target(name: "DilatedAttention", dependencies: [.product(name: "RLRCore", package: "Core")])]
)
