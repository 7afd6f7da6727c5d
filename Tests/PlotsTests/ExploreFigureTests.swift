import Commands
import Foundation
import Imaging
import Kernels
import Library
import Plots
import Tensors
import XCTest

/// PCA on data with known principal axes, the shared-PCA colouring of features and reconstruction, `plot recon`,
/// and the failure grid of `plot grid`.
final class ExploreFigureTests: XCTestCase {
    /// Points spread along five orthonormal axes with standard deviations 3, 2, 1, 0.1, 0.05: the top three
    /// components are those axes, eigenpairs of the plainly computed covariance, orthonormal, by decreasing variance.
    func testPCAFindsTheKnownAxes() throws {
        let d = 5, n = 4000
        var generator = RandomGenerator(seed: 11)
        // Orthonormal axes: Gram-Schmidt of random vectors.
        var axes: [[Double]] = []
        while axes.count < d {
            var v = (0..<d).map { _ in Double(generator.nextUniform()) - 0.5 }
            for a in axes { let dot = zip(v, a).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, a).map { $0 - dot * $1 } }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            axes.append(v.map { $0 / norm })
        }
        let deviations = [3.0, 2, 1, 0.1, 0.05], offset = [1.0, -2, 0.5, 3, 0]
        let coefficients = Tensor.randn([n, d], generator: &generator).toArray()
        var rows = [Float](repeating: 0, count: n * d)
        for r in 0..<n {
            for j in 0..<d {
                rows[r * d + j] = Float(offset[j] + (0..<d).reduce(0) { $0 + Double(coefficients[r * d + $1]) * deviations[$1] * axes[$1][j] })
            }
        }
        let pca = try PCA(rows: rows, dimension: d, count: 3)
        // Plain covariance of the float data.
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += Double(rows[r * d + j]) / Double(n) } }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in 0..<n { for i in 0..<d { for j in 0..<d {
            covariance[i][j] += (Double(rows[r * d + i]) - mean[i]) * (Double(rows[r * d + j]) - mean[j]) / Double(n)
        } } }
        for j in 0..<d { XCTAssertEqual(pca.mean[j], mean[j], accuracy: 1e-9) }
        for (k, v) in pca.components.enumerated() {
            let cv = covariance.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
            for j in 0..<d { XCTAssertEqual(cv[j], pca.variances[k] * v[j], accuracy: 1e-9 * pca.variances[0]) }
            XCTAssertGreaterThan(abs(zip(v, axes[k]).reduce(0) { $0 + $1.0 * $1.1 }), 0.995, "component \(k)")
            XCTAssertEqual(pca.variances[k], deviations[k] * deviations[k], accuracy: 0.1 * deviations[k] * deviations[k])
            for (l, w) in pca.components.enumerated() {
                XCTAssertEqual(zip(v, w).reduce(0) { $0 + $1.0 * $1.1 }, k == l ? 1 : 0, accuracy: 1e-9)
            }
        }
        XCTAssertEqual(pca.variances, pca.variances.sorted(by: >))
        let projected = pca.project(Array(rows[0..<(2 * d)]))
        for r in 0..<2 { for k in 0..<3 {
            let expected = (0..<d).reduce(0.0) { $0 + (Double(rows[r * d + $1]) - mean[$1]) * pca.components[k][$1] }
            XCTAssertEqual(projected[r * 3 + k], expected, accuracy: 1e-6)
        } }
        XCTAssertThrowsError(try PCA(rows: [1, 2, 3], dimension: 2, count: 1))
    }

    /// One PCA for both: tokens equal in features and reconstruction get equal colours; a replaced token does not.
    func testSharedPCAColoursEqualTokensAlike() throws {
        var generator = RandomGenerator(seed: 3)
        let features = Tensor.randn([6, 4, 4], generator: &generator)
        var changed = features.toArray()
        for c in 0..<6 { changed[c * 16 + 1 * 4 + 2] += 5 }   // token (y 1, x 2) replaced
        let (f, r) = try ReconstructionFigure.pcaImages(features: features, reconstruction: Tensor(shape: [6, 4, 4], data: changed))
        XCTAssertEqual([f.width, f.height, r.width, r.height], [4, 4, 4, 4])
        for y in 0..<4 { for x in 0..<4 {
            let same = (0..<3).allSatisfy { f[x, y, $0] == r[x, y, $0] }
            XCTAssertEqual(same, !(x == 2 && y == 1), "pixel \(x),\(y)")
        } }
        let (a, b) = try ReconstructionFigure.pcaImages(features: features, reconstruction: features)
        XCTAssertEqual(a, b)
        XCTAssertThrowsError(try ReconstructionFigure.pcaImages(features: features, reconstruction: Tensor.zeros([6, 4, 5]))) {
            XCTAssertTrue("\($0)".contains("[6, 4, 4] and reconstruction [6, 4, 5]"), "\($0)")
        }
    }

    func testPlotReconCommand() throws {
        let registry = try Library.makeRegistry()
        let spec = try XCTUnwrap(registry.resolve(["plot", "recon"])?.0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-recon-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        var generator = RandomGenerator(seed: 4)
        let level = Value.record(Record([("features", .tensor(Tensor.randn([8, 4, 4], generator: &generator))),
                                         ("reconstruction", .tensor(Tensor.randn([8, 4, 4], generator: &generator))),
                                         ("map", .tensor(Tensor.rand([4, 4], generator: &generator)))]))
        func run(_ words: [Word]) throws -> Value {
            let invocation = try Binder.bind(spec, words: words, context: CommandContext())
            try spec.validate?(invocation)
            return try spec.run(invocation)
        }
        let plot = try run([.option("--level"), .value(level), .option("--out"), .value(.string(out)),
                            .option("--image"), .value(.tensor(Tensor.rand([3, 32, 32], generator: &generator)))])
        XCTAssertEqual(plot.member("height")?.number.map { $0 > 256 }, true)
        XCTAssertEqual(try Image(contentsOf: out).height, Int(plot.member("height")!.number!))
        XCTAssertThrowsError(try run([.option("--out"), .value(.string(out))])) { XCTAssertTrue("\($0)".contains("give --level")) }
        let bad = Value.record(Record([("features", .tensor(Tensor.zeros([8, 4, 4]))), ("reconstruction", .tensor(Tensor.zeros([8, 4, 4]))),
                                       ("map", .tensor(Tensor.zeros([3, 3])))]))
        XCTAssertThrowsError(try run([.option("--level"), .value(bad), .option("--out"), .value(.string(out))])) {
            XCTAssertTrue("\($0)".hasPrefix("bad value for --level:"), "\($0)")
        }
    }

    /// The grid picks, per category, the highest-scoring normal and the lowest-scoring anomalous images, and renders
    /// the evaluation JSON's images (with and without maps).
    func testGridPicksTheFailuresAndRenders() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rlr-grid-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scores: [(String, Bool, Double)] = [("a", false, 0.1), ("a", false, 0.7), ("a", false, 0.4), ("a", true, 0.9), ("a", true, 0.2),
                                                ("b", false, 0.3), ("b", true, 0.5)]
        var images: [[String: Any]] = []
        for (index, (category, anomalous, score)) in scores.enumerated() {
            let path = "\(folder)/\(index).png"
            try Image(width: 16, height: 12, channels: 3, value: UInt8(index * 30)).writePNG(to: path)
            var entry: [String: Any] = ["path": path, "category": category, "defect": anomalous ? "cut" : "good", "anomalous": anomalous,
                                        "score": score, "map": NSNull()]
            if index == 1 {
                try NPY.write(Tensor.arange(0, 64).reshaped([8, 8]), to: "\(folder)/map.npy")
                entry["map"] = "\(folder)/map.npy"
            }
            images.append(entry)
        }
        let items = images.map { GridFigure.Item(path: $0["path"] as! String, category: $0["category"] as! String, defect: "",
                                                 anomalous: $0["anomalous"] as! Bool, score: $0["score"] as! Double, map: nil) }
        let picked = GridFigure.failures(items, count: 2)
        XCTAssertEqual(picked.map(\.category), ["a", "b"])
        XCTAssertEqual(picked[0].normal.map(\.score), [0.7, 0.4])
        XCTAssertEqual(picked[0].anomalous.map(\.score), [0.2, 0.9])
        XCTAssertEqual(picked[1].normal.map(\.score), [0.3])
        let json: [String: Any] = ["images": images, "categories": ["a": ["image_auroc": 0.5, "pixel_auroc": NSNull(), "aupro": NSNull()],
                                                                   "b": ["image_auroc": 1.0]]]
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: "\(folder)/eval.json"))
        let registry = try Library.makeRegistry()
        let spec = try XCTUnwrap(registry.resolve(["plot", "grid"])?.0)
        let words = Word.fromShell(["--eval", "\(folder)/eval.json", "--out", "\(folder)/grid.png", "--count", "2", "--panel-size", "64"])
        let plot = try spec.run(try Binder.bind(spec, words: words, context: CommandContext()))
        let grid = try Image(contentsOf: "\(folder)/grid.png")
        XCTAssertEqual(grid.width, Int(try XCTUnwrap(plot.member("width")?.number)))
        XCTAssertGreaterThan(grid.width, 4 * 64)
        let broken = Word.fromShell(["--eval", "\(folder)/0.png", "--out", "\(folder)/grid.png"])
        XCTAssertThrowsError(try spec.run(try Binder.bind(spec, words: broken, context: CommandContext()))) {
            XCTAssertTrue("\($0)".contains("is not the JSON of `model eval --json`"), "\($0)")
        }
    }
}
