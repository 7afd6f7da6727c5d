// swift-tools-version:6.0
// RLRCore: the plugin-facing core (kernels, tensors, autograd, layers, command declarations).
// It is its own package with a dynamic library product so the host and every plugin load ONE copy
// (a static link into both would give two registries).
import PackageDescription

let numeric: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]

let package = Package(
    name: "Core",
    products: [
        .library(name: "RLRCore", type: .dynamic, targets: ["Kernels", "Tensors", "NN", "Commands", "Plugins"]),
    ],
    targets: [
        // CVectorMath: C for exp/erf (inlined into Swift), Adam's step, AVX-512 kernel variants, cpuid, the fallback GEMM.
        // OpenBLAS is not linked: Kernels/BLAS.swift loads it at first use, after choosing its kernels for the CPU.
        .target(name: "CVectorMath"),
        .target(name: "Kernels", dependencies: ["CVectorMath"], swiftSettings: numeric),
        .target(name: "Tensors", dependencies: ["Kernels"], swiftSettings: numeric),
        .target(name: "NN", dependencies: ["Tensors"], swiftSettings: numeric),

        // Command declarations (CommandSpec, Value, binder, registry, help): see Sources/Commands/Commands.swift.
        .target(name: "Commands", dependencies: ["Tensors"]),

        // The plugin contract: backbone and attention-block registries, the plugin API version, the C entry
        // point and the loader (PluginHost). See docs/plugins.md.
        .target(name: "Plugins", dependencies: ["NN", "Commands"]),
    ]
)
