import Foundation
import Kernels
import NN
import Plugins
import Commands
import Tensors
import XCTest

/// The dilated-attention example plugin: its block against a dense reference and finite differences
/// (loaded into this process), and a model trained and evaluated with it through `rlr --plugin`.
final class DilatedAttentionTests: XCTestCase {
    static let loaded = Result { () throws -> String in
        let path = try PluginBuilds.example("dilated-attention", product: "DilatedAttention")
        try PluginHost.load(path, commands: CommandRegistry())
        return path
    }

    func dlca(side: Int, size: Int) throws -> AttentionForward {
        _ = try Self.loaded.get()
        let definition = try XCTUnwrap(Registries.attentionBlocks.entry("dlca"))
        guard case .plugin(let info)? = Registries.attentionBlocks.provenance(of: "dlca") else { throw XCTSkip("dlca is not from the plugin") }
        XCTAssertEqual([info.name, info.version], ["dilated-attention", "1.0.0"])
        return definition.prepare(WindowGeometry(side: side, size: size))
    }

    /// dlca = dense attention to the reference with everything but the dilated window masked; the window
    /// is built here with plain loops.
    func testMatchesDenseAttentionOverTheDilatedWindow() throws {
        let (side, k, d, dims) = (7, 3, 2, 8)
        let forward = try dlca(side: side, size: k)
        var generator = RandomGenerator(seed: 5)
        let attention = MultiHeadAttention(dims, heads: 2, generator: &generator)
        let x = Tensor.randn([2, side * side, dims], generator: &generator)
        let r = Tensor.randn([1, side * side, dims], generator: &generator)
        let n = side * side
        let mask = Tensor.zeros([n, n]) - Float.infinity
        var covered = 0
        for y in 0..<side {
            for x in 0..<side {
                for yy in stride(from: y - d, through: y + d, by: d) where (0..<side).contains(yy) {
                    for xx in stride(from: x - d, through: x + d, by: d) where (0..<side).contains(xx) {
                        mask.pointer[(y * side + x) * n + yy * side + xx] = 0
                        covered += 1
                    }
                }
            }
        }
        XCTAssertEqual(covered, 17 * 17, "per axis 2+2+3+3+3+2+2 taps fall inside the 7-token side")
        let expected = withNoGrad { attention(query: x, key: r, value: r, additiveMask: mask) }.toArray()
        let actual = withNoGrad { forward(attention, x, r) }.toArray()
        XCTAssertEqual(actual.count, expected.count)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-5) }
    }

    /// Gradients of sum(dlca(X, R) * P) with respect to X, R and the query weight match central differences.
    func testGradientsMatchFiniteDifferences() throws {
        let (side, dims) = (4, 4)
        let forward = try dlca(side: side, size: 3)
        var generator = RandomGenerator(seed: 11)
        let attention = MultiHeadAttention(dims, heads: 2, generator: &generator)
        let x = Tensor.randn([1, side * side, dims], generator: &generator).requiringGrad()
        let r = Tensor.randn([1, side * side, dims], generator: &generator).requiringGrad()
        let projection = Tensor.randn([1, side * side, dims], generator: &generator)
        func objective() -> Tensor { (forward(attention, x, r) * projection).sum() }
        objective().backward()
        let weight = attention.query.weight
        for (name, leaf) in [("queries", x), ("reference", r), ("query weight", weight)] {
            let analytic = try XCTUnwrap(leaf.grad, name).toArray()
            for element in 0..<leaf.count {
                let original = leaf.pointer[element]
                func value(_ delta: Float) -> Double {
                    leaf.pointer[element] = original + delta
                    defer { leaf.pointer[element] = original }
                    return Double(withNoGrad { objective() }.item)
                }
                let h: Float = 1e-2
                let numeric = (value(h) - value(-h)) / Double(2 * h)
                XCTAssertEqual(Double(analytic[element]), numeric, accuracy: 2e-3 + 2e-2 * Swift.abs(numeric), "\(name)[\(element)]")
            }
        }
    }
}
