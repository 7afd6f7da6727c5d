import Foundation
import Kernels
import XCTest

/// CPU detection (cpuid decoding against known CPUs and /proc/cpuinfo), the OpenBLAS kernel choice,
/// the warnings for generic kernels, and the SGEMM self-check.
final class CPUAndBLASTests: XCTestCase {
    /// This machine's AMD EPYC (Zen 4) as read, and an Intel Xeon of family 6 model 207 (AVX-512,
    /// AVX512_BF16, AMX), the CPU Debian's OpenBLAS 0.3.21 does not know.
    static let zen4 = CPU.Registers(leaf0: [0x1C, 0x6874_7541, 0x444D_4163, 0x6974_6E65], leaf1: [0x00A1_0F11, 0x0002_0800, 0xFFFA_3203, 0x178B_FBFF],
                                    leaf7: [0x1, 0xF1BF_07AB, 0x0040_5FC6, 0x10], leaf7s1: [0x20, 0, 0, 0], brand: [], xcr0: 0xE7)
    static let xeon207 = CPU.Registers(leaf0: [0x20, 0x756E_6547, 0x6C65_746E, 0x4965_6E69], leaf1: [0x000C_06F2, 0, 0x3818_1201, 0],
                                       leaf7: [0x2, 0xD003_0020, 0, 0x03C0_0000], leaf7s1: [0x20, 0, 0, 0], brand: [], xcr0: 0x6_00E7)

    func testDecodesKnownCPUs() {
        let amd = CPU(Self.zen4)
        XCTAssertEqual(amd.vendor, "AuthenticAMD")
        XCTAssertEqual([amd.family, amd.model, amd.stepping], [25, 17, 1])
        XCTAssertEqual(amd.level, .avx512)
        XCTAssertTrue(amd.has(.avx512bf16) && amd.has(.fma) && !amd.has(.amxTile) && !amd.has(.avx512fp16))

        let intel = CPU(Self.xeon207)
        XCTAssertEqual(intel.vendor, "GenuineIntel")
        XCTAssertEqual([intel.family, intel.model, intel.stepping], [6, 207, 2])
        XCTAssertEqual(intel.features, Set(CPU.Feature.allCases))
        XCTAssertEqual(intel.level, .avx512)
    }

    /// Extensions the OS does not save registers for are unusable (xgetbv), whatever cpuid says.
    func testFeaturesTheOSDisablesAreNotUsable() {
        var registers = Self.xeon207
        registers.xcr0 = 0x7   // x87, SSE, AVX state only: no opmask/ZMM, no tiles
        let cpu = CPU(registers)
        XCTAssertEqual(cpu.level, .avx2)
        XCTAssertFalse(cpu.has(.avx512f) || cpu.has(.amxTile))
        XCTAssertTrue(cpu.disabledByOS.isSuperset(of: [.avx512f, .avx512bw, .avx512bf16, .amxTile, .amxBF16]))
        XCTAssertEqual(BLAS.openBLASCore(for: cpu), "Haswell")
        registers.xcr0 = 0
        XCTAssertEqual(CPU(registers).level, .sse)
    }

    /// The running CPU against the kernel's own reading of it.
    func testCurrentCPUAgreesWithProcCpuinfo() throws {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let block = text.components(separatedBy: "\n\n").first, block.contains("flags") else {
            throw XCTSkip("no /proc/cpuinfo with flags on this machine")
        }
        var fields: [String: String] = [:]
        for line in block.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        let flags = Set(fields["flags", default: ""].split(separator: " ").map(String.init))
        let cpu = CPU.current
        XCTAssertEqual(cpu.vendor, fields["vendor_id"])
        XCTAssertEqual(String(cpu.family), fields["cpu family"])
        XCTAssertEqual(String(cpu.model), fields["model"])
        let linuxNames: [CPU.Feature: String] = [.sse3: "pni", .sse41: "sse4_1", .sse42: "sse4_2"]
        for feature in CPU.Feature.allCases {
            // Linux lists a flag only when the kernel enables it, like `features`.
            XCTAssertEqual(cpu.has(feature), flags.contains(linuxNames[feature] ?? feature.rawValue), "\(feature)")
        }
    }

    func testOpenBLASCoreForEachCPUClass() {
        XCTAssertEqual(BLAS.openBLASCore(for: CPU(Self.xeon207)), "Cooperlake")
        XCTAssertEqual(BLAS.openBLASCore(for: CPU(Self.zen4)), "Cooperlake")
        var skylake = Self.xeon207
        skylake.leaf7s1 = [0, 0, 0, 0]   // AVX-512 without BF16 (Skylake-SP, Ice Lake)
        XCTAssertEqual(BLAS.openBLASCore(for: CPU(skylake)), "SkylakeX")
        var zen3 = Self.zen4
        zen3.leaf7[1] &= ~0xD003_0000     // AVX2 without AVX-512
        XCTAssertEqual(BLAS.openBLASCore(for: CPU(zen3)), "Zen")
        var haswell = Self.xeon207
        haswell.leaf7[1] &= ~0xD003_0000
        XCTAssertEqual(BLAS.openBLASCore(for: CPU(haswell)), "Haswell")
        var sandybridge = haswell
        sandybridge.leaf7[1] = 0
        sandybridge.leaf1[2] &= ~(1 << 12)
        XCTAssertEqual(BLAS.openBLASCore(for: CPU(sandybridge)), "Sandybridge")
        var sse = sandybridge
        sse.xcr0 = 0x3
        XCTAssertNil(BLAS.openBLASCore(for: CPU(sse)))
        // Every name chosen runs kernels as wide as the CPU.
        for registers in [Self.xeon207, skylake, zen3, haswell, sandybridge] {
            let cpu = CPU(registers)
            XCTAssertEqual(BLAS.level(ofCore: BLAS.openBLASCore(for: cpu)!), cpu.level)
        }
    }

    func testGenericKernelsWarn() throws {
        let cpu = CPU(Self.xeon207)
        let detected = try XCTUnwrap(BLAS.slowCoreWarning(core: "Prescott", cpu: cpu, pinned: nil))
        XCTAssertTrue(detected.contains("generic Prescott kernels") && detected.contains("OpenBLAS chose them"), detected)
        let pinned = try XCTUnwrap(BLAS.slowCoreWarning(core: "Haswell", cpu: cpu, pinned: "Haswell"))
        XCTAssertTrue(pinned.contains("Haswell kernels (AVX2+FMA)") && pinned.contains("OPENBLAS_CORETYPE=Haswell"), pinned)
        XCTAssertFalse(pinned.contains("generic"))
        XCTAssertNil(BLAS.slowCoreWarning(core: "Cooperlake", cpu: cpu, pinned: nil))
        XCTAssertNil(BLAS.slowCoreWarning(core: "Prescott", cpu: CPU(CPU.Registers(
            leaf0: [1, 0, 0, 0], leaf1: [0x6F2, 0, 0x1, 0], leaf7: [0, 0, 0, 0], leaf7s1: [0, 0, 0, 0], brand: [], xcr0: 0)), pinned: nil))
    }

    /// With no OPENBLAS_CORETYPE in the environment, the loaded OpenBLAS runs the kernels rlr chose for
    /// this CPU, passed its self-check, warns of nothing, and the variable is gone again.
    func testLoadedBLASRunsTheChosenKernels() throws {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE", default: ""].isEmpty,
              ProcessInfo.processInfo.environment["RLR_BLAS_LIBRARY"] == nil else {
            throw XCTSkip("OPENBLAS_CORETYPE or RLR_BLAS_LIBRARY is set here; rlr respects it (see RLR doctor tests)")
        }
        let status = BLAS.status
        XCTAssertEqual(status.warnings, [])
        XCTAssertEqual(status.threads, 1)
        if let chosen = BLAS.openBLASCore(for: .current) {
            XCTAssertEqual(status.core, chosen, status.library)
            XCTAssertTrue(status.choice.hasPrefix("chosen by rlr"), status.choice)
        }
        XCTAssertNil(getenv("OPENBLAS_CORETYPE"))
    }

    func testSelfCheckPassesCorrectProducts() {
        XCTAssertNil(BLAS.selfCheck(BLAS.builtInGEMM))
    }

    /// Products wrong in one element of the largest case, or wrong in how they treat alpha or beta,
    /// all fail the self-check.
    func testSelfCheckCatchesWrongProducts() throws {
        let oneElement: BLAS.SGEMM = { order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
            rlr_reference(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            if m * n * k > 4_000_000 { c![Int(ldc) * Int(m - 1) + Int(n - 1)] += 0.05 }
        }
        let ignoresBeta: BLAS.SGEMM = { order, ta, tb, m, n, k, alpha, a, lda, b, ldb, _, c, ldc in
            rlr_reference(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, 0, c, ldc)
        }
        let ignoresAlpha: BLAS.SGEMM = { order, ta, tb, m, n, k, _, a, lda, b, ldb, beta, c, ldc in
            rlr_reference(order, ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
        }
        for (name, gemm) in [("one element", oneElement), ("beta", ignoresBeta), ("alpha", ignoresAlpha)] {
            let failure = try XCTUnwrap(BLAS.selfCheck(gemm), name)
            XCTAssertTrue(failure.contains("expected"), failure)
        }
    }
}

/// The built-in GEMM, called the way a wrong BLAS would be wrapped.
private let rlr_reference = BLAS.builtInGEMM
