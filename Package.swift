// swift-tools-version:6.0
// rlr: unsupervised multi-class anomaly detection (RLR, ECCV 2024) in Swift, on the CPU.
// Layers, low to high (dependencies point down):
//   Core package (RLRCore, dynamic): COpenBLAS -> Kernels -> Tensors -> NN, Commands
//   this package: system libraries -> domain modules -> language -> REPL -> rlr
import PackageDescription

let numeric: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
let core: Target.Dependency = .product(name: "RLRCore", package: "Core")

let package = Package(
    name: "rlr",
    products: [
        .executable(name: "rlr", targets: ["rlr"]),
        .executable(name: "rlr-bench", targets: ["rlr-bench"]),
    ],
    dependencies: [
        .package(path: "Core"),
    ],
    targets: [
        // System libraries (module maps only).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CReadline", pkgConfig: "readline", providers: [.apt(["libreadline-dev"])]),

        // Backbone (issue 4): zlib for zip entries, weights reader, EfficientNet-Lite feature extractor.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Weights", dependencies: [core, "CZlib"]),
        .target(name: "Backbones", dependencies: [core, "Weights"], swiftSettings: numeric),
        .executableTarget(name: "rlr-bench", dependencies: ["Backbones", core], path: "Sources/Benchmarks"),
        .testTarget(name: "WeightsTests", dependencies: ["Weights", core], resources: [.copy("Fixtures")]),
        .testTarget(name: "BackbonesTests", dependencies: ["Backbones", "Weights", core], swiftSettings: numeric),

        // Library: the list of command libraries (Library.swift, cf. Lua's linit.c) and the tensor commands.
        .target(name: "Library", dependencies: [core, "Weights", "Backbones"]),

        // The executable.
        .executableTarget(name: "rlr", dependencies: [core]),

        // Tests.
        .testTarget(name: "TensorsTests", dependencies: [core], swiftSettings: numeric),

        // Commands (Core): binder, registry validation, help.
        .testTarget(name: "CommandsTests", dependencies: [core]),
        // Library: every library registers cleanly; every declared example binds.
        .testTarget(name: "LibraryTests", dependencies: [core, "Library"]),
    ]
)
