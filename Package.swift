// swift-tools-version:6.0
// rlr: unsupervised multi-class anomaly detection (RLR, ECCV 2024) in Swift, on the CPU.
// Layers, low to high (dependencies point down):
//   Core package (RLRCore, dynamic): CVectorMath -> Kernels -> Tensors -> NN, Commands
//   this package: system libraries -> domain modules (Imaging, Datasets, Metrics, RLRModel)
//   -> command libraries -> Library (the list) -> the language and REPL -> App -> rlr
import PackageDescription

let numeric: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
let core: Target.Dependency = .product(name: "RLRCore", package: "Core")
// scripts/fuzz points RLR_LIBFUZZER at the toolchain's libclang_rt.fuzzer_no_main archive for its instrumented
// build (.build-libfuzzer): rlr-fuzz then links libFuzzer and runs it under its own main (Sources/CLibFuzzer).
let libFuzzer: [LinkerSetting] = Context.environment["RLR_LIBFUZZER"].map {
    [.unsafeFlags(["-Xlinker", "--undefined=LLVMFuzzerRunDriver", "-Xlinker", $0, "-lstdc++"])]
} ?? []

let package = Package(
    name: "rlr",
    products: [
        .executable(name: "rlr", targets: ["rlr"]),
        .executable(name: "rlr-bench", targets: ["rlr-bench"]),
    ],
    dependencies: [
        .package(path: "Core"),
        // Protocol buffers runtime for the ONNX exporter (its code generator is not a dependency: see scripts/generate-onnx-proto).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries (module maps only).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CReadline", pkgConfig: "readline", providers: [.apt(["libreadline-dev"])]),

        // Weights and backbones: torch checkpoint/safetensors reader (zip entries via zlib), EfficientNet-Lite.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Weights", dependencies: [core, "CZlib"]),
        .target(name: "Backbones", dependencies: [core, "Weights"], swiftSettings: numeric),

        // Images and datasets: decode/encode, resize, tensors; MVTec/VisA/folder layouts, synthetic data.
        .target(name: "Imaging", dependencies: [core, "CPNG", "CTurboJPEG"], swiftSettings: numeric),
        .target(name: "Datasets", dependencies: ["Imaging", core], swiftSettings: numeric),

        // Metrics: AUROC, AP, F1-max, exact AUPRO, per-category reports (pure Swift, no dependencies).
        .target(name: "Metrics", swiftSettings: numeric),
        // MetricsLibrary: the `metric auroc|ap|f1max|aupro` command table (registered in Library.swift).
        .target(name: "MetricsLibrary", dependencies: ["Metrics", core]),

        // Plots: colormaps, heatmap overlays and sample panels, ROC/PR/loss/histogram charts (Cairo, PNG);
        // the `plot …` command table (registered in Library.swift).
        .target(name: "Plots", dependencies: [core, "CCairo", "Imaging", "Metrics"], swiftSettings: numeric),

        // The method: RLR network, training, checkpoints, detector, evaluation and the `model …` commands.
        .target(name: "RLRModel", dependencies: ["Backbones", "Datasets", "Imaging", "Metrics", "Plots", core], swiftSettings: numeric),

        // ONNXExport: a trained detector as one ONNX graph (generated onnx.pb.swift) and the `model export` command.
        .target(name: "ONNXExport", dependencies: ["RLRModel", "Backbones", "Script", core,
                                                   .product(name: "SwiftProtobuf", package: "swift-protobuf")]),

        // Script: the rlr language (lexer, parser, interpreter, diagnostics, builtins); no domain knowledge.
        .target(name: "Script", dependencies: [core]),

        // REPL: line editing (readline on a terminal), history, completion, Ctrl-C, the read-eval-print loop.
        .target(name: "REPL", dependencies: [core, "Script", "CReadline"]),

        // Library: the list of command libraries (Library.swift, cf. Lua's linit.c) and the tensor commands.
        .target(name: "Library", dependencies: [core, "Weights", "Backbones", "Imaging", "Datasets", "MetricsLibrary", "Plots", "RLRModel", "ONNXExport"]),

        // App: the rlr command line (scripts, -e, shell form, notebook reports, REPL); main.swift only calls it.
        .target(name: "App", dependencies: [core, "Script", "REPL", "Library"]),

        // The executable.
        .executableTarget(name: "rlr", dependencies: ["App"]),

        // Fuzzing: every reader, the language and the binder, under libFuzzer (CLibFuzzer: its driver when linked)
        // or seeded mutation campaigns (scripts/fuzz).
        .target(name: "CLibFuzzer"),
        .target(name: "Fuzzing", dependencies: [core, "Weights", "Imaging", "Datasets", "RLRModel", "Script", "Library", "CLibFuzzer"]),
        .executableTarget(name: "rlr-fuzz", dependencies: ["Fuzzing"], linkerSettings: libFuzzer),

        // Benchmarks (not timed tests): scripts/bench runs them next to the PyTorch peer.
        .executableTarget(name: "rlr-bench", dependencies: ["Backbones", "RLRModel", core], path: "Sources/Benchmarks",
                          swiftSettings: numeric),
        .executableTarget(name: "metrics-bench", dependencies: ["Metrics", core], swiftSettings: numeric),

        // Tests.
        .testTarget(name: "CoreTests", dependencies: [core], swiftSettings: numeric),
        // Commands (Core): binder, registry validation, help.
        .testTarget(name: "CommandsTests", dependencies: [core]),
        .testTarget(name: "WeightsTests", dependencies: ["Weights", core], resources: [.copy("Fixtures")]),
        .testTarget(name: "BackbonesTests", dependencies: ["Backbones", "Weights", core], swiftSettings: numeric),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", core], exclude: ["Fixtures"], swiftSettings: numeric),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Imaging", "Library", core], swiftSettings: numeric),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", core], swiftSettings: numeric),
        .testTarget(name: "MetricsLibraryTests", dependencies: ["MetricsLibrary", "Library", core]),
        .testTarget(name: "RLRModelTests", dependencies: ["RLRModel", "Backbones", "Datasets", "Metrics", core], swiftSettings: numeric),
        // Plots: colormaps, overlays, chart geometry, text, errors, and the plot commands' examples.
        .testTarget(name: "PlotsTests", dependencies: ["Plots", "Imaging", "Datasets", "Metrics", "Library", core], swiftSettings: numeric),
        // ONNXExport: exported graphs run in ONNX Runtime (scripts/onnx-venv) and match rlr's own maps and scores.
        .testTarget(name: "ONNXExportTests", dependencies: ["ONNXExport", "RLRModel", "Backbones", "Datasets", core]),
        // Library: every library registers cleanly; every declared example binds.
        .testTarget(name: "LibraryTests", dependencies: [core, "Library", "Script"]),
        // Script: lexer/parser units, interpreter semantics, diagnostic golden files.
        .testTarget(name: "ScriptTests", dependencies: [core, "Script"], exclude: ["Diagnostics"]),
        // Running the built `rlr` from tests (REPLTests, PluginsTests).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // REPL and executable: shell form, scripts, reports, piped sessions, a real terminal via tmux.
        .testTarget(name: "REPLTests", dependencies: ["rlr", "TestSupport"]),
        // Fuzzing: every target briefly with fixed seeds, and one regression test per crash found.
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "Weights", "RLRModel", core]),
        // Plugins: builds plugins/* and fixture plugins, loads them (refusals, training with a plugin block, scaffold).
        .testTarget(name: "PluginsTests", dependencies: ["rlr", "TestSupport", "Library", "RLRModel", core], exclude: ["Fixtures"],
                    swiftSettings: numeric),
    ]
)
