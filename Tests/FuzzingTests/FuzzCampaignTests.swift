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

    func testUnknownTargetIsNamed() {
        XCTAssertThrowsError(try FuzzTargets.named("gif")) { error in
            XCTAssertTrue(String(describing: error).contains("unknown fuzz target gif"), String(describing: error))
        }
    }
}
