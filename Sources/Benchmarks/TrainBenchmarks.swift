import Kernels
import NN
import RLRModel
import Tensors

/// One RLR training step on cached tokens (jitter + forward + loss + backward + Adam, both levels,
/// batch 4, Lite0 stride-8/16 token shapes): the peer's train_{default,small}_b4 cases.
enum TrainBenchmarks {
    static func run(timing: Timing) {
        for (name, config) in [("default", RLRConfig.paper), ("small", RLRConfig.fast)] where timing.includes("train_\(name)_b4") {
            var generator = RandomGenerator(seed: 1)
            let tokens = [Tensor.randn([4, 1024, 40], generator: &generator), Tensor.randn([4, 256, 112], generator: &generator)]
            let network = try! RLRNetwork(channels: [40, 112], sides: [32, 16], config: config)
            let optimizer = Adam(network, learningRate: config.learningRate)
            let (ms, cpu) = timing.medians {
                let (loss, _) = network.loss(tokens, generator: &generator)
                loss.backward()
                optimizer.update()
            }
            report(["case": "train_\(name)_b4", "median_ms": ms, "cpu_ms_median": cpu, "impl": "swift", "params": network.parameterCount,
                    "images_per_s": 4 / (ms / 1000), "peak_rss_mb": peakResidentMB()])
        }
    }
}
