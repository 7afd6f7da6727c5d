// swift-tools-version:6.0
// rlr plugin: ResNet-18/34/50 and Wide-ResNet-50-2 backbones (torchvision state dicts, BN folded, taps layer1..layer4).
// Build: swift build -c release; load: rlr --plugin .build/release/libResNet.so
// Build it with the same Swift toolchain as rlr, against the same Core (docs/plugins.md).
import PackageDescription

let package = Package(
    name: "ResNet",
    products: [.library(name: "ResNet", type: .dynamic, targets: ["ResNet"])],
    dependencies: [.package(path: "../../Core")],
    targets: [.target(name: "ResNet", dependencies: [.product(name: "RLRCore", package: "Core")],
                      swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"])])]
)
