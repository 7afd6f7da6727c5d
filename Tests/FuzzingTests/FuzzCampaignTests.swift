import Foundation
import Fuzzing
import XCTest

/// Every fuzz target runs briefly with a fixed seed (the same inputs on every run): no crash, no hang,
/// and its seeds are accepted (so the mutations start from valid files and reach the deep paths).
final class FuzzCampaignTests: XCTestCase {
    private let findings = NSTemporaryDirectory() + "rlr-fuzz-findings-\(getpid())"

    func testEveryTargetSurvivesAFixedSeedCampaign() throws {
        XCTAssertEqual(FuzzTargets.all.count, 11)
        for target in FuzzTargets.all {
            let executions = target.name == "dataset" ? 60 : 1500
            let report = try FuzzRunner(target: target, seed: 7, findings: findings).run(executions: executions)
            XCTAssertEqual(report.executions, executions, target.name)
            XCTAssertGreaterThan(report.accepted, 0, "\(target.name): no seed was accepted")
            XCTAssertLessThan(report.accepted, executions, "\(target.name): no mutation was rejected")
        }
    }

    func testCampaignsAreDeterministic() throws {
        let target = try FuzzTargets.named("npy")
        let a = try FuzzRunner(target: target, seed: 3, findings: findings).run(executions: 400)
        let b = try FuzzRunner(target: target, seed: 3, findings: findings).run(executions: 400)
        XCTAssertEqual([a.accepted, a.distinctErrors, a.corpus], [b.accepted, b.distinctErrors, b.corpus])
    }

    /// The plain build has no libFuzzer (scripts/fuzz builds one): asking for it is an error, not a crash.
    func testLibFuzzerEngineIsRefusedWithoutTheRuntime() throws {
        XCTAssertFalse(LibFuzzer.isLinked)
        let target = try FuzzTargets.named("png")
        XCTAssertThrowsError(try LibFuzzer.run(target, seconds: 1, seed: 1, corpus: findings + "/corpus", findings: findings)) {
            XCTAssertTrue(String(describing: $0).contains("built without libFuzzer"), String(describing: $0))
        }
    }

    /// The harness's limits reach libFuzzer: input length, the 10 s hang, 8 GiB, the seed, the time, where findings go.
    func testLibFuzzerCommandLineCarriesTheCampaignsLimits() throws {
        let target = try FuzzTargets.named("checkpoint")
        let words = LibFuzzer.arguments(target, seconds: 599.5, seed: (1 << 32) + 5, corpus: "c/checkpoint", findings: "f",
                                        extra: ["-jobs=1"])
        XCTAssertEqual(words, ["-max_len=65536", "-timeout=10", "-rss_limit_mb=8192", "-print_final_stats=1",
                               "-seed=5", "-artifact_prefix=f/checkpoint-", "-max_total_time=600", "-jobs=1", "c/checkpoint"])
        XCTAssertFalse(LibFuzzer.arguments(target, seconds: .infinity, seed: 1, corpus: "c", findings: "f")
            .contains { $0.hasPrefix("-max_total_time") })
    }

    func testUnknownTargetIsNamed() {
        XCTAssertThrowsError(try FuzzTargets.named("gif")) { error in
            XCTAssertTrue(String(describing: error).contains("unknown fuzz target gif"), String(describing: error))
        }
    }
}
