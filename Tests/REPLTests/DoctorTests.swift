import Foundation
import TestSupport
import XCTest

/// `rlr doctor` and the BLAS choice as a run sees it: the chosen kernels, an OPENBLAS_CORETYPE the
/// environment pins (respected, and warned about when generic), a missing library and one that
/// computes wrong products (both fall back to the built-in GEMM, loudly).
final class DoctorTests: XCTestCase {
    /// Whether this machine's environment pins the BLAS (tests never change that for the run itself).
    let pinned = ["OPENBLAS_CORETYPE", "RLR_BLAS_LIBRARY"].contains { !ProcessInfo.processInfo.environment[$0, default: ""].isEmpty }

    func testDoctorReportsCPUBLASAndThreads() throws {
        let result = try Executable.run(["doctor"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for field in ["cpu:", "isa:", "vectors:", "rlr:", "blas:", "kernel:", "threads:", "sgemm:"] {
            XCTAssertTrue(result.stdout.contains("\n" + field) || result.stdout.hasPrefix(field), "\(field)\n\(result.stdout)")
        }
        if let vendor = try cpuinfo("vendor_id") { XCTAssertTrue(result.stdout.contains(vendor), result.stdout) }
        guard !pinned else { return }
        XCTAssertTrue(result.stdout.contains("self-check against a plain loop: passed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("(chosen by rlr for ") || result.stdout.contains("(detected by OpenBLAS)"), result.stdout)
        XCTAssertFalse(result.stdout.contains("warning:"), result.stdout)
        XCTAssertEqual(result.stderr, "")
    }

    /// The acceptance case of the generic fallback: it is forced through the environment here, and must warn
    /// on stderr (every run) and in the report.
    func testForcedGenericKernelsWarn() throws {
        guard try cpuinfo("flags")?.split(separator: " ").contains("avx2") == true else {
            throw XCTSkip("this CPU has no AVX2, so OpenBLAS's SSE kernels are not generic for it")
        }
        let result = try Executable.run(["doctor"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("kernel:   Prescott (OPENBLAS_CORETYPE=Prescott, set in the environment)"), result.stdout)
        let warning = "warning: matrix products run OpenBLAS's generic Prescott kernels (SSE), several times slower"
        XCTAssertTrue(result.stderr.contains("rlr: " + warning), result.stderr)
        XCTAssertTrue(result.stdout.contains("warning:  matrix products run OpenBLAS's generic Prescott"), result.stdout)
        XCTAssertTrue(result.stdout.contains("OPENBLAS_CORETYPE=Prescott is set in the environment (rlr respects it)"))
    }

    func testMissingLibraryFallsBackLoudly() throws {
        let result = try Executable.run(["doctor"], environment: ["RLR_BLAS_LIBRARY": "/nonexistent/libopenblas.so"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("rlr: warning: cannot load OpenBLAS (/nonexistent/libopenblas.so"), result.stderr)
        XCTAssertTrue(result.stdout.contains("kernel:   rlr built-in (fallback)"), result.stdout)
    }

    /// A library with OpenBLAS's functions whose SGEMM is wrong is caught by the self-check.
    func testWrongBLASFailsTheSelfCheck() throws {
        let folder = try Executable.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("wrong.c"), library = folder.appendingPathComponent("libwrong.so")
        try """
        void cblas_sgemm(int o, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc) {
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[i * ldc + j] = 1;   /* wrong */
        }
        const char *openblas_get_corename(void) { return "Haswell"; }
        const char *openblas_get_config(void) { return "wrong test BLAS"; }
        void openblas_set_num_threads(int n) {}
        int openblas_get_num_threads(void) { return 1; }
        """.write(to: source, atomically: true, encoding: .utf8)
        let compiler = Process()
        compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        compiler.arguments = ["clang", "-shared", "-fPIC", "-o", library.path, source.path]
        try compiler.run()
        compiler.waitUntilExit()
        guard compiler.terminationStatus == 0 else { throw XCTSkip("no C compiler to build the wrong BLAS") }

        let result = try Executable.run(["doctor"], environment: ["RLR_BLAS_LIBRARY": library.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("rlr: warning: OpenBLAS's Haswell SGEMM failed rlr's self-check ("), result.stderr)
        XCTAssertTrue(result.stdout.contains("kernel:   rlr built-in (fallback)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("blas:     \(library.path): wrong test BLAS"), result.stdout)
    }

    /// A field of the first processor in /proc/cpuinfo (nil where there is none).
    func cpuinfo(_ field: String) throws -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}
