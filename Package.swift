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

        // Images and datasets (issue 3): decode/encode, resize, tensors; MVTec/VisA/folder layouts, synthetic data.
        .target(name: "Imaging", dependencies: [core, "CPNG", "CTurboJPEG"], swiftSettings: numeric),
        .target(name: "Datasets", dependencies: ["Imaging", core], swiftSettings: numeric),

        // Library: the list of command libraries (Library.swift, cf. Lua's linit.c) and the tensor commands.
        .target(name: "Library", dependencies: [core, "Imaging", "Datasets"]),

        // The executable.
        .executableTarget(name: "rlr", dependencies: [core]),

        // Tests.
        .testTarget(name: "TensorsTests", dependencies: [core], swiftSettings: numeric),

        // Tests of images and datasets (issue 3).
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", core], exclude: ["Fixtures"], swiftSettings: numeric),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Imaging", "Library", core], swiftSettings: numeric),

        // Commands (Core): binder, registry validation, help.
        .testTarget(name: "CommandsTests", dependencies: [core]),
        // Library: every library registers cleanly; every declared example binds.
        .testTarget(name: "LibraryTests", dependencies: [core, "Library"]),
    ]
)
