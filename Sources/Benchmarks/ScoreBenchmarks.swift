import Backbones
import Kernels
import RLRModel
import Tensors

/// Scoring a batch of 8 images end to end (backbone + AvgPool + RLR heads + maps + Gaussian blur +
/// max), untrained heads: the peer's infer_{default,small}_b8 cases.
enum ScoreBenchmarks {
    static func run(timing: Timing) throws {
        let backbone = try BackboneRegistry.make("efficientnet-lite0")
        var generator = RandomGenerator(seed: 2)
        let images = Tensor.rand([8, 3, 256, 256], generator: &generator)
        for (name, config) in [("default", RLRConfig.paper), ("small", RLRConfig.fast)] where timing.includes("infer_\(name)_b8") {
            let identity = try Detector.identity(of: backbone, taps: Detector.defaultTaps, imageSize: 256)
            let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
            let detector = Detector(backbone: backbone, identity: identity, network: network)
            var failure: Error?
            let ms = timing.median {
                do { _ = detector.score(tokens: try detector.tokens(images)) } catch { failure = error }
            }
            if let failure { throw failure }
            report(["case": "infer_\(name)_b8", "median_ms": ms, "impl": "swift", "images_per_s": 8 / (ms / 1000),
                    "peak_rss_mb": peakResidentMB()])
        }
    }
}
