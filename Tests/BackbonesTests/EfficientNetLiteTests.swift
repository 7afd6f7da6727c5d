import Foundation
import Kernels
import Tensors
import Weights
import XCTest
import Backbones

/// EfficientNet-Lite against PyTorch reference arrays (tolerance: max abs diff / max abs value <= 1e-4).
final class EfficientNetLiteTests: XCTestCase {
    /// Lite0 at 224: stem, all 16 blocks, head and logits.
    func testLite0EveryLayerMatchesPyTorch() throws {
        let input = try Reference.array("input_random_224.npy")
        let network = try Reference.backbone("efficientnet-lite0")
        XCTAssertEqual(network.blockCount, 16)
        let points: [EfficientNetLite.TapPoint] = [.stem] + (0..<16).map { .block($0) } + [.head]
        let maps = network.run(input, points: points, scaling: .normalized)
        Reference.assertClose(maps[0], try Reference.array("lite0_stem.npy"), "lite0 stem")
        for i in 0..<16 {
            Reference.assertClose(maps[i + 1], try Reference.array(String(format: "lite0_block%02d.npy", i)), "lite0 block \(i)")
        }
        Reference.assertClose(maps[17], try Reference.array("lite0_head.npy"), "lite0 head")
        Reference.assertClose(try network.classify(input, scaling: .normalized), try Reference.array("lite0_logits.npy"), "lite0 logits")
    }

    /// Named stage taps for every variant at 224, and Lite0 at 250x250 (odd sizes: asymmetric SAME padding).
    func testStageTapsOfAllVariantsAndOddInputSize() throws {
        let cases: [(String, String, String)] = [
            ("efficientnet-lite0", "input_random_224.npy", ""), ("efficientnet-lite0", "input_random_250.npy", "_250"),
            ("efficientnet-lite1", "input_random_224.npy", ""), ("efficientnet-lite2", "input_random_224.npy", ""),
        ]
        for (name, inputFile, suffix) in cases {
            let network = try Reference.backbone(name)
            let input = try Reference.array(inputFile)
            let short = "lite" + name.suffix(1)
            let stages = ["s2", "s4", "s8", "s16", "s32"]
            // The image twice: a batch runs one image per core, blocks in bands of rows (a single image
            // runs split across cores instead; the other tests cover that path).
            let pair = Tensor(shape: [2] + input.shape.dropFirst(), data: input.toArray() + input.toArray())
            let maps = try network.features(pair, taps: stages, scaling: .normalized)
            for stage in stages {
                let expected = try Reference.array("\(short)_stage_\(stage)\(suffix).npy")
                for n in 0..<2 {
                    Reference.assertClose(maps[stage]!.sliced(axis: 0, n..<(n + 1)).contiguous(), expected, "\(short) \(stage)\(suffix) [\(n)]")
                }
            }
            Reference.assertClose(try network.classify(input, scaling: .normalized),
                                  try Reference.array("\(short)_logits\(suffix).npy"), "\(short) logits\(suffix)")
        }
    }

    /// The photo of a cat is classified as the reference does (ImageNet 285, Egyptian cat), by every variant.
    func testPhotoClassification() throws {
        let input = try Reference.array("input_chelsea_224.npy")
        for variant in 0...2 {
            let network = try Reference.backbone("efficientnet-lite\(variant)")
            let logits = try network.classify(input, scaling: .normalized)
            let expected = try Reference.array("lite\(variant)_logits_chelsea_224.npy")
            Reference.assertClose(logits, expected, "lite\(variant) chelsea logits")
            let top = logits.toArray().indices.max { logits.toArray()[$0] < logits.toArray()[$1] }
            let expectedTop = expected.toArray().indices.max { expected.toArray()[$0] < expected.toArray()[$1] }
            XCTAssertEqual(top, expectedTop)
            XCTAssertEqual(top, 285)
        }
    }

    /// The declared taps of Lite0 and their shapes at 256x256 (the RLR default: s8 40x32x32, s16 112x16x16).
    func testDeclaredTapsAndShapes() throws {
        let network = try Reference.backbone("efficientnet-lite0")
        XCTAssertEqual(network.taps.map(\.description), [
            "s2 (16 channels, stride 2)", "s4 (24 channels, stride 4)", "s8 (40 channels, stride 8)",
            "s16 (112 channels, stride 16)", "s32 (320 channels, stride 32)", "s2wide (96 channels, stride 2)",
            "s4wide (144 channels, stride 4)", "s8wide (240 channels, stride 8)", "s16wide (672 channels, stride 16)",
            "s32wide (1280 channels, stride 32)",
        ])
        var generator = RandomGenerator(seed: 7)
        let images = Tensor.rand([1, 3, 256, 256], generator: &generator)
        let maps = try network.features(images, taps: ["s8", "s16", "s8wide"], scaling: .unitRange)
        XCTAssertEqual(maps["s8"]?.shape, [1, 40, 32, 32])
        XCTAssertEqual(maps["s16"]?.shape, [1, 112, 16, 16])
        XCTAssertEqual(maps["s8wide"]?.shape, [1, 240, 32, 32])
        XCTAssertThrowsError(try network.features(images, taps: ["s64"], scaling: .unitRange)) { error in
            XCTAssertTrue("\(error)".contains("s64"), "\(error)")
        }
        XCTAssertThrowsError(try network.features(Tensor.zeros([1, 1, 8, 8]), taps: ["s8"], scaling: .unitRange))
        XCTAssertThrowsError(try BackboneRegistry.make("resnet-50")) { error in
            XCTAssertTrue("\(error)".contains("efficientnet-lite0"), "\(error)")
        }
    }

    /// The wide stride-8 tap against a brute-force expand conv with unfolded BatchNorm on the reference s8 map.
    func testWideTapAgainstBruteForceExpandConv() throws {
        let input = try Reference.array("input_random_224.npy")
        let s8 = try Reference.array("lite0_stage_s8.npy")
        let network = try Reference.backbone("efficientnet-lite0")
        let weights = try Weights.load(path: try Weights.locate(backbone: "efficientnet-lite0"))
        let w = try weights.tensor("_blocks.5._expand_conv.weight", shape: [240, 40, 1, 1]).toArray()
        func bn(_ field: String) throws -> [Float] { try weights.tensor("_blocks.5._bn0.\(field)").toArray() }
        let (gamma, beta, mean, variance) = (try bn("weight"), try bn("bias"), try bn("running_mean"), try bn("running_var"))
        let x = s8.toArray(), pixels = 28 * 28
        var expected = [Float](repeating: 0, count: 240 * pixels)
        for o in 0..<240 {
            for p in 0..<pixels {
                var sum: Double = 0
                for i in 0..<40 { sum += Double(w[o * 40 + i]) * Double(x[i * pixels + p]) }
                let normalised = (Float(sum) - mean[o]) / (variance[o] + 1e-3).squareRoot() * gamma[o] + beta[o]
                expected[o * pixels + p] = min(max(normalised, 0), 6)
            }
        }
        let wide = try network.features(input, taps: ["s8wide"], scaling: .normalized)["s8wide"]!
        Reference.assertClose(wide, Tensor(shape: [1, 240, 28, 28], data: expected), "lite0 s8wide")
    }

    /// [0, 1] input with the built-in normalisation equals pre-normalised input; a batch of 3 (one image
    /// per core, then one split by rows) equals the images run one at a time.
    func testScalingAndBatchPathsAgree() throws {
        let network = try Reference.backbone("efficientnet-lite0")
        var generator = RandomGenerator(seed: 11)
        let images = Tensor.rand([3, 3, 96, 80], generator: &generator)
        let normalised = images * (255.0 / 128.0) - (127.0 / 128.0)
        let batch = try network.features(images, taps: ["s8", "s16wide"], scaling: .unitRange)
        let prenormalised = try network.features(normalised, taps: ["s8", "s16wide"], scaling: .normalized)
        Reference.assertClose(batch["s16wide"]!, prenormalised["s16wide"]!, "unit range vs normalised", tolerance: 1e-5)
        for n in 0..<3 {
            let single = try network.features(images.sliced(axis: 0, n..<(n + 1)), taps: ["s8"], scaling: .unitRange)["s8"]!
            let fromBatch = batch["s8"]!.sliced(axis: 0, n..<(n + 1)).contiguous()
            // Row splits change OpenBLAS's tiling, hence rounding; the results agree to float precision.
            Reference.assertClose(fromBatch, single, "batch image \(n) vs alone", tolerance: 1e-6)
        }
    }

    /// Degenerate sizes run (1x1 images, an empty batch) and a strided view of a batch gives the same
    /// features as its contiguous copy.
    func testTinyEmptyAndStridedInputs() throws {
        let network = try Reference.backbone("efficientnet-lite0")
        var generator = RandomGenerator(seed: 13)
        let tiny = try network.features(Tensor.rand([2, 3, 1, 1], generator: &generator), taps: ["s2", "s32wide"], scaling: .unitRange)
        XCTAssertEqual(tiny["s2"]?.shape, [2, 16, 1, 1])
        XCTAssertEqual(tiny["s32wide"]?.shape, [2, 1280, 1, 1])
        XCTAssertEqual(try network.features(Tensor.zeros([0, 3, 32, 32]), taps: ["s8"], scaling: .unitRange)["s8"]?.shape, [0, 40, 4, 4])
        let wide = Tensor.rand([2, 3, 40, 70], generator: &generator)
        let view = wide.sliced(axis: 3, 3..<67, step: 2)  // [2, 3, 40, 32], not contiguous
        let fromView = try network.features(view, taps: ["s16"], scaling: .unitRange)["s16"]!
        let fromCopy = try network.features(view.contiguous(), taps: ["s16"], scaling: .unitRange)["s16"]!
        XCTAssertEqual(fromView.toArray(), fromCopy.toArray())
    }
}
