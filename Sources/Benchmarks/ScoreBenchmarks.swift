import Backbones
import Kernels
import RLRModel
import Tensors

/// Scoring a batch of 8 images end to end (backbone + AvgPool + RLR heads + maps + Gaussian blur +
/// max), untrained heads: the peer's infer_{default,small}_b8 cases; or a checkpoint's detector
/// (`--model`, case infer_model_b8).
enum ScoreBenchmarks {
    static func run(timing: Timing) throws {
        var generator = RandomGenerator(seed: 2)
        if let model = timing.model {
            let detector = try ModelCommands.loadDetector(model).0
            let size = detector.identity.imageSize
            return try time(detector, images: Tensor.rand([8, 3, size, size], generator: &generator), case: "infer_model_b8", timing: timing)
        }
        let backbone = try BackboneRegistry.make("efficientnet-lite0")
        let images = Tensor.rand([8, 3, 256, 256], generator: &generator)
        for (name, config) in [("default", RLRConfig.paper), ("small", RLRConfig.fast)] where timing.includes("infer_\(name)_b8") {
            let identity = try Detector.identity(of: backbone, taps: Detector.defaultTaps, imageSize: 256)
            let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
            try time(Detector(backbone: backbone, identity: identity, network: network), images: images, case: "infer_\(name)_b8", timing: timing)
        }
    }

    private static func time(_ detector: Detector, images: Tensor, case name: String, timing: Timing) throws {
        var failure: Error?
        let (ms, cpu) = timing.medians {
            do { _ = detector.score(tokens: try detector.tokens(images)) } catch { failure = error }
        }
        if let failure { throw failure }
        report(["case": name, "median_ms": ms, "cpu_ms_median": cpu, "impl": "swift", "images_per_s": Double(images.shape[0]) / (ms / 1000),
                "peak_rss_mb": peakResidentMB()])
    }
}
