import CVectorMath
import Glibc

/// The SGEMM behind `sgemm`: OpenBLAS, loaded at first use with the kernel set chosen for this CPU,
/// checked against a plain loop, or rlr's own GEMM when that fails. Never generic code in silence:
/// every reason the products run slower than the CPU allows is a warning, printed once on stderr.
///
/// OpenBLAS picks its kernels when it loads, from `OPENBLAS_CORETYPE` or its own CPU table, which
/// does not know every CPU (0.3.21 runs its SSE3 `Prescott` kernels on Intel's AVX-512 Xeons of
/// 2023). So rlr does not link it: it sets the variable from `CPU.current` for the load, then
/// removes it again. A value the environment sets is respected as is. `RLR_BLAS_LIBRARY` names
/// another OpenBLAS build to load (a path or a soname) instead of `libopenblas.so.0`.
public enum BLAS {
    /// `cblas_sgemm`'s C signature (row-major order 101; transposes 111 no, 112 yes).
    public typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32,
                                             UnsafePointer<Float>?, Int32, Float, UnsafeMutablePointer<Float>?, Int32) -> Void

    /// rlr's own GEMM: correct on every CPU, several times slower than a tuned BLAS.
    public static let builtInGEMM: SGEMM = rlr_sgemm_fallback

    /// What runs the products, and why.
    public struct Status: Sendable {
        /// The library file and its build configuration, or why none loaded.
        public var library: String
        /// The kernel set running the products (OpenBLAS's core name, or "rlr built-in").
        public var core: String
        /// Who chose it: rlr from the CPU, the environment, or OpenBLAS's own detection.
        public var choice: String
        /// OpenBLAS's own threads (1: rlr splits products across cores itself).
        public var threads: Int
        /// Everything that makes products slower than this CPU allows, or wrong-and-avoided.
        public var warnings: [String]
    }

    struct Backend: Sendable {
        let gemm: SGEMM
        let status: Status
    }

    /// Loaded once, at the first product (or the first question about it).
    static let backend: Backend = {
        let library = getenv("RLR_BLAS_LIBRARY").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        let backend = load(cpu: .current, library: library ?? "libopenblas.so.0")
        for warning in backend.status.warnings {
            let line = Array("rlr: warning: \(warning)\n".utf8)
            _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
        return backend
    }()

    public static var status: Status { backend.status }
    public static var coreName: String { backend.status.core }
    public static var threads: Int { backend.status.threads }

    /// The OpenBLAS kernel set for a CPU (names OpenBLAS 0.3.11 and later accept), nil for CPUs without
    /// AVX, where OpenBLAS's own detection is as good. Cooperlake and SkylakeX run the same SGEMM.
    public static func openBLASCore(for cpu: CPU) -> String? {
        switch cpu.level {
        case .avx512: return cpu.has(.avx512bf16) ? "Cooperlake" : "SkylakeX"
        case .avx2: return cpu.vendor == "AuthenticAMD" ? "Zen" : "Haswell"
        case .avx: return "Sandybridge"
        case .sse: return nil
        }
    }

    /// The vector width of an OpenBLAS core's kernels (nil for names this table does not know).
    public static func level(ofCore name: String) -> CPU.Level? {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return .avx512
        case "haswell", "zen", "excavator": return .avx2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return .avx
        case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington", "nehalem",
             "athlon", "opteron", "opteron_sse3", "barcelona", "nano", "bobcat": return .sse
        default: return nil
        }
    }

    /// The warning for a core slower than the CPU allows, nil when it matches. `pinned` names an
    /// OPENBLAS_CORETYPE that the environment set.
    public static func slowCoreWarning(core: String, cpu: CPU, pinned: String?) -> String? {
        guard let kernels = level(ofCore: core), kernels < cpu.level else { return nil }
        let cost = kernels == .sse ? "generic \(core) kernels (\(kernels)), several times slower"
            : "\(core) kernels (\(kernels)), slower"
        let cause = pinned.map { "OPENBLAS_CORETYPE=\($0) is set in the environment (rlr respects it)" }
            ?? "OpenBLAS chose them"
        return "matrix products run OpenBLAS's \(cost) than this CPU (\(cpu.level)) allows; \(cause)"
    }

    /// Loads OpenBLAS for `cpu` (see the type's documentation); the built-in GEMM when that fails.
    static func load(cpu: CPU, library name: String) -> Backend {
        var warnings: [String] = []
        func builtIn(_ library: String, _ reason: String) -> Backend {
            warnings.append(reason)
            return Backend(gemm: builtInGEMM, status: Status(library: library, core: "rlr built-in", choice: "fallback",
                                                             threads: 1, warnings: warnings))
        }
        let pinned = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        let loadedBefore = dlopen(name, RTLD_NOW | RTLD_NOLOAD) != nil
        var requested: String? = nil
        if pinned == nil && !loadedBefore, let core = openBLASCore(for: cpu) {
            requested = core
            setenv("OPENBLAS_CORETYPE", core, 1)
        }
        let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
        let loadError = handle == nil ? dlerror().map { String(cString: $0) } ?? name : ""
        if requested != nil { unsetenv("OPENBLAS_CORETYPE") }
        func symbol<T>(_ symbolName: String, _ type: T.Type) -> T? {
            dlsym(handle, symbolName).map { unsafeBitCast($0, to: type) }
        }
        typealias Text = @convention(c) () -> UnsafeMutablePointer<CChar>?
        guard handle != nil, let gemm = symbol("cblas_sgemm", SGEMM.self),
              let corename = symbol("openblas_get_corename", Text.self), let config = symbol("openblas_get_config", Text.self),
              let setThreads = symbol("openblas_set_num_threads", (@convention(c) (Int32) -> Void).self),
              let getThreads = symbol("openblas_get_num_threads", (@convention(c) () -> Int32).self)
        else {
            let why = handle == nil ? loadError : "\(name) lacks OpenBLAS's functions"
            return builtIn("none (\(why))", "cannot load OpenBLAS (\(why)): matrix products run rlr's built-in GEMM, "
                + "several times slower; install libopenblas0 (scripts/setup does)")
        }
        setThreads(1)
        let core = corename().map { String(cString: $0) } ?? "unknown"
        let library = "\(name): " + (config().map { String(cString: $0) } ?? "OpenBLAS")
        let choice: String
        if let pinned {
            choice = "OPENBLAS_CORETYPE=\(pinned), set in the environment"
        } else if let requested {
            choice = "chosen by rlr for \(cpu.level)" + (cpu.has(.avx512bf16) ? " with AVX512_BF16" : "")
            if requested.lowercased() != core.lowercased() {
                warnings.append("rlr asked OpenBLAS for its \(requested) kernels and got \(core) (an OpenBLAS without them?)")
            }
        } else {
            choice = loadedBefore ? "detected by OpenBLAS (it was loaded before rlr could choose)" : "detected by OpenBLAS"
        }
        if let slow = slowCoreWarning(core: core, cpu: cpu, pinned: pinned) { warnings.append(slow) }
        if let failure = selfCheck(gemm) {
            return builtIn(library, "OpenBLAS's \(core) SGEMM failed rlr's self-check (\(failure)): matrix products run "
                + "rlr's built-in GEMM instead, correct but several times slower; pin working kernels with OPENBLAS_CORETYPE")
        }
        return Backend(gemm: gemm, status: Status(library: library, core: core, choice: choice,
                                                  threads: Int(getThreads()), warnings: warnings))
    }

    /// Checks an SGEMM against a plain double-precision loop on products covering both transposes,
    /// alpha and beta, row strides wider than the matrices, edge tiles and the blocked path of large
    /// products. nil when every element is within float rounding, else the first difference.
    public static func selfCheck(_ gemm: SGEMM) -> String? {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func values(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(seed >> 40) / Float(1 << 23) - 1
            }
        }
        let cases: [(m: Int, n: Int, k: Int, ta: Bool, tb: Bool, alpha: Float, beta: Float)] = [
            (7, 5, 3, false, false, 1, 0), (37, 29, 65, false, true, 0.5, 1), (33, 70, 47, true, false, 1, -0.5),
            (19, 23, 31, true, true, 2, 0), (160, 144, 200, false, false, 1, 0), (96, 130, 260, false, true, 1, 0),
        ]
        for (m, n, k, ta, tb, alpha, beta) in cases {
            let (lda, ldb, ldc) = ((ta ? m : k) + 3, (tb ? k : n) + 1, n + 2)
            let a = values((ta ? k : m) * lda), b = values((tb ? n : k) * ldb), c0 = values(m * ldc)
            var c = c0
            gemm(101, ta ? 112 : 111, tb ? 112 : 111, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                 beta, &c, Int32(ldc))
            for i in 0..<m {
                for j in 0..<ldc {
                    var expected = Double(c0[i * ldc + j]), bound = 0.0
                    if j < n {
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let product = Double(a[ta ? p * lda + i : i * lda + p]) * Double(b[tb ? j * ldb + p : p * ldb + j])
                            sum += product
                            magnitude += abs(product)
                        }
                        expected = Double(alpha) * sum + Double(beta) * expected
                        bound = 2 * Double(k + 2) * Double(Float.ulpOfOne) * (abs(Double(alpha)) * magnitude + abs(Double(beta * c0[i * ldc + j])))
                    }
                    let got = Double(c[i * ldc + j])
                    if !(abs(got - expected) <= bound) {
                        return "\(m)x\(n)x\(k)\(ta ? " Aᵀ" : "")\(tb ? " Bᵀ" : ""): C[\(i), \(j)] = \(got), expected \(expected)"
                    }
                }
            }
        }
        return nil
    }
}
