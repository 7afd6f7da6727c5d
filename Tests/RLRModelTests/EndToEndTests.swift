import Backbones
import Datasets
import Foundation
import Metrics
import RLRModel
import Tensors
import XCTest

/// Synthetic data -> features -> training -> checkpoint -> evaluation -> the eval JSON, small enough
/// for the suite (64 px images, one category, two epochs).
final class EndToEndTests: XCTestCase {
    func testTrainEvaluateAndWriteTheEvaluationJSON() throws {
        let backbone: any Backbone
        do { backbone = try BackboneRegistry.make("efficientnet-lite0") } catch {
            throw XCTSkip("EfficientNet-Lite0 weights unavailable (run scripts/setup): \(error)")
        }
        let root = NSTemporaryDirectory() + "/rlr-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try SyntheticDataset.write(to: root, seed: 1, categories: ["granite"], trainPerCategory: 8,
                                   testGoodPerCategory: 4, testPerDefect: 2, size: 64)
        let dataset = try Dataset.mvtec(root: root)
        let identity = try Detector.identity(of: backbone, taps: Detector.defaultTaps, imageSize: 64)
        XCTAssertEqual(identity.sides, [8, 4])
        let config = RLRConfig(dims: [32, 64], layers: 1, heads: 4, learningRate: 1e-3, windows: [3, 3], imageSize: 64,
                               epochs: 2, batchSize: 4)
        let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        let detector = Detector(backbone: backbone, identity: identity, network: network)

        let training = dataset.trainingSet
        let tokens = try detector.tokens(of: training, indices: Array(training.samples.indices))
        XCTAssertEqual(tokens.map(\.shape), [[8, 64, 40], [8, 16, 112]])
        let trainer = try Trainer(network: network)
        XCTAssertEqual(try trainer.train(tokens: tokens), .finished)

        let path = root + "/model.safetensors"
        try Checkpoint(config: config, backbone: identity, categories: dataset.categories, network: network,
                       lossHistory: trainer.lossHistory).save(to: path)
        let restored = Detector(backbone: backbone, identity: identity, network: try Checkpoint.load(path, expectedBackbone: identity).network)

        var mapsSeen = 0
        let evaluation = try Evaluation.run(restored, on: dataset, each: { _, map, score in
            XCTAssertEqual(map.shape, [64, 64])
            XCTAssertTrue(score.isFinite)
            mapsSeen += 1
        })
        XCTAssertEqual(mapsSeen, 4 + 3 * 2)
        let row = try XCTUnwrap(evaluation.report.categories.first)
        XCTAssertEqual(row.category, "granite")
        XCTAssertEqual([row.goodCount, row.anomalousCount], [4, 6])
        for value in [row.imageAUROC, row.pixelAUROC, row.aupro, row.imageAP, row.pixelAP, row.imageF1Max, row.pixelF1Max] {
            let metric = try XCTUnwrap(value)
            XCTAssertTrue((0...1).contains(metric))
        }

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: evaluation.json(protocol: ["image_size": 64])) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["protocol", "categories", "mean", "timing_s", "images"])
        let images = try XCTUnwrap(json["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 4 + 3 * 2)
        XCTAssertEqual(Set(images[0].keys), ["path", "category", "defect", "anomalous", "score", "map"])
        let granite = try XCTUnwrap((json["categories"] as? [String: Any])?["granite"] as? [String: Any])
        for key in ["image_auroc", "pixel_auroc", "aupro", "image_ap", "pixel_ap", "image_f1max", "pixel_f1max", "n_good", "n_anomalous"] {
            XCTAssertNotNil(granite[key], key)
        }
        XCTAssertNotNil((json["timing_s"] as? [String: Any])?["features"])
    }
}
