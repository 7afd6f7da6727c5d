import Commands
import Foundation
import Kernels
import Library
import Tensors
import XCTest

/// Every tensor operation command against a plain loop over the elements (their gradients are the
/// Tensors primitives', checked by CoreTests.GradientTests), and their shape-naming errors.
final class TensorOperationsTests: XCTestCase {
    let registry = try! Library.makeRegistry()

    /// Runs `tensor VERB` with words: strings are shell words, tensors and other values are passed as values.
    func run(_ verb: String, _ words: Any...) throws -> Value {
        let spec = try XCTUnwrap(registry.resolve(["tensor", verb])?.0)
        let bound: [Word] = words.map { word in
            switch word {
            case let text as String: Word.fromShell([text])[0]
            case let t as Tensor: .value(.tensor(t))
            default: .value(word as! Value)
            }
        }
        let invocation = try Binder.bind(spec, words: bound, context: CommandContext())
        try spec.validate?(invocation)
        return try spec.run(invocation)
    }

    func tensor(_ value: Value) throws -> Tensor {
        guard case .tensor(let t) = value else { throw XCTSkip("not a tensor: \(value)") }
        return t
    }

    func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randn(shape, generator: &generator)
    }

    /// Row-major flat index of `index` in `shape`.
    func flat(_ index: [Int], _ shape: [Int]) -> Int { zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 } }

    /// Every multi-index of `shape`, row-major.
    func indices(_ shape: [Int]) -> [[Int]] {
        shape.reduce([[]]) { partial, size in partial.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
    }

    func testSliceAgainstLoops() throws {
        let x = random([3, 4, 5], seed: 1), data = x.toArray()
        let r = try tensor(try run("slice", x, "1, :, 1:5:2"))
        XCTAssertEqual(r.shape, [4, 2])
        for j in 0..<4 { for (n, k) in [1, 3].enumerated() { XCTAssertEqual(r.toArray()[j * 2 + n], data[flat([1, j, k], [3, 4, 5])]) } }
        let last = try tensor(try run("slice", x, "-1, ::3"))
        XCTAssertEqual(last.shape, [2, 5])
        XCTAssertEqual(last.toArray(), [0, 3].flatMap { j in (0..<5).map { data[flat([2, j, $0], [3, 4, 5])] } })
        XCTAssertEqual(try tensor(try run("slice", x, ":, -2:")).shape, [3, 2, 5])
        XCTAssertThrowsError(try run("slice", x, "3")) {
            XCTAssertEqual("\($0)", "bad value for spec: index 3 is out of range for axis 0 of size 3 (tensor of shape [3, 4, 5])")
        }
        XCTAssertThrowsError(try run("slice", x, "0,0,0,0")) { XCTAssertTrue("\($0)".contains("indexes 4 axes")) }
        XCTAssertThrowsError(try run("slice", x, "::0")) { XCTAssertTrue("\($0)".contains("positive")) }
    }

    func testMovementAgainstLoops() throws {
        let x = random([2, 3, 4], seed: 2), data = x.toArray()
        let p = try tensor(try run("permute", x, Value.list([.int(2), .int(0), .int(1)])))
        XCTAssertEqual(p.shape, [4, 2, 3])
        for i in indices([4, 2, 3]) { XCTAssertEqual(p.toArray()[flat(i, [4, 2, 3])], data[flat([i[1], i[2], i[0]], [2, 3, 4])]) }
        let t = try tensor(try run("transpose", x))
        XCTAssertEqual(t.shape, [2, 4, 3])
        for i in indices([2, 4, 3]) { XCTAssertEqual(t.toArray()[flat(i, [2, 4, 3])], data[flat([i[0], i[2], i[1]], [2, 3, 4])]) }
        XCTAssertThrowsError(try run("permute", x, Value.list([.int(0), .int(0), .int(1)]))) {
            XCTAssertTrue("\($0)".contains("not a permutation of the 3 axes of [2, 3, 4]"), "\($0)")
        }
        XCTAssertThrowsError(try run("transpose", x, "0", "3")) { XCTAssertEqual("\($0)", "bad value for b: axis 3 is out of range for shape [2, 3, 4]") }
    }

    func testMatmulAgainstLoops() throws {
        let a = random([2, 3, 4], seed: 3), b = random([4, 5], seed: 4)
        let c = try tensor(try run("matmul", a, b))
        XCTAssertEqual(c.shape, [2, 3, 5])
        let (x, y) = (a.toArray(), b.toArray())
        for i in indices([2, 3, 5]) {
            let expected = (0..<4).reduce(0.0) { $0 + Double(x[flat([i[0], i[1], $1], [2, 3, 4])]) * Double(y[flat([$1, i[2]], [4, 5])]) }
            XCTAssertEqual(Double(c.toArray()[flat(i, [2, 3, 5])]), expected, accuracy: 1e-5)
        }
        XCTAssertEqual(try tensor(try run("matmul", random([4], seed: 5), b)).shape, [5])
        XCTAssertThrowsError(try run("matmul", a, random([3, 5], seed: 6))) {
            XCTAssertEqual("\($0)", "bad value for b: cannot multiply [2, 3, 4] by [3, 5]")
        }
    }

    func testConcatAndStack() throws {
        let a = random([2, 3], seed: 7), b = random([2, 1], seed: 8)
        let c = try tensor(try run("concat", a, b, "--axis", "-1"))
        XCTAssertEqual(c.shape, [2, 4])
        for i in 0..<2 { XCTAssertEqual(Array(c.toArray()[(i * 4)..<(i * 4 + 4)]), Array(a.toArray()[(i * 3)..<(i * 3 + 3)]) + [b.toArray()[i]]) }
        let s = try tensor(try run("stack", a, a * 2, "--axis", "1"))
        XCTAssertEqual(s.shape, [2, 2, 3])
        for i in indices([2, 2, 3]) {
            XCTAssertEqual(s.toArray()[flat(i, [2, 2, 3])], a.toArray()[flat([i[0], i[2]], [2, 3])] * (i[1] == 0 ? 1 : 2))
        }
        XCTAssertThrowsError(try run("concat", a, b, "--axis", "0")) {
            XCTAssertEqual("\($0)", "bad value for tensors: cannot concat shapes [2, 3], [2, 1] along axis 0")
        }
        XCTAssertThrowsError(try run("stack", a, b)) { XCTAssertTrue("\($0)".contains("cannot stack shapes [2, 3], [2, 1]")) }
    }

    func testReductionsAgainstLoops() throws {
        let x = random([3, 4], seed: 9), d = x.toArray()
        let rows = (0..<3).map { Array(d[($0 * 4)..<($0 * 4 + 4)]) }
        func close(_ value: Value, _ expected: [Float], _ label: String) throws {
            let got = try tensor(value).toArray()
            XCTAssertEqual(got.count, expected.count, label)
            for (g, e) in zip(got, expected) { XCTAssertEqual(g, e, accuracy: 1e-5, label) }
        }
        try close(try run("mean", x, "--axes", "1"), rows.map { $0.reduce(0, +) / 4 }, "mean")
        try close(try run("max", x, "--axes", "1"), rows.map { $0.max()! }, "max")
        try close(try run("min", x, "--axes", "0"), (0..<4).map { j in rows.map { $0[j] }.min()! }, "min")
        try close(try run("norm", x, "--axes", "-1"), rows.map { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() }, "norm")
        try close(try run("sum", x, "--axes", "0,1", "--keep-dims"), [d.reduce(0, +)], "sum")
        XCTAssertEqual(try tensor(try run("sum", x, "--axes", "0", "--keep-dims")).shape, [1, 4])
        XCTAssertEqual(Float(try XCTUnwrap(try run("max", x).number)), d.max()!)
        XCTAssertEqual(try run("argmax", x), .int(d.firstIndex(of: d.max()!)!))
        try close(try run("argmax", x, "--axis", "1"), rows.map { Float($0.firstIndex(of: $0.max()!)!) }, "argmax")
        XCTAssertThrowsError(try run("mean", x, "--axes", "2")) { XCTAssertEqual("\($0)", "bad value for --axes: axis 2 is out of range for shape [3, 4]") }
        XCTAssertThrowsError(try run("argmax", x, "--axis", "-3")) { XCTAssertTrue("\($0)".contains("out of range for shape [3, 4]")) }
    }

    func testTopKAgainstSorting() throws {
        let x = Tensor(shape: [2, 5], data: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
        guard case .record(let r) = try run("topk", x, "3") else { return XCTFail("not a record") }
        XCTAssertEqual(try tensor(try XCTUnwrap(r["values"])).toArray(), [5, 4, 3, 9, 6, 5])
        XCTAssertEqual(try tensor(try XCTUnwrap(r["indices"])).toArray(), [4, 2, 0, 0, 2, 3])
        guard case .record(let s) = try run("topk", x, "2", "--smallest") else { return XCTFail("not a record") }
        XCTAssertEqual(try tensor(try XCTUnwrap(s["indices"])).toArray(), [1, 3, 1, 4])   // ties: lower index first
        guard case .record(let c) = try run("topk", x, "1", "--axis", "0") else { return XCTFail("not a record") }
        XCTAssertEqual(try tensor(try XCTUnwrap(c["values"])).toArray(), [9, 2, 6, 5, 5])
        XCTAssertEqual(try tensor(try XCTUnwrap(c["indices"])).shape, [1, 5])
        let y = random([4, 7], seed: 10)
        guard case .record(let t) = try run("topk", y, "7") else { return XCTFail("not a record") }
        let values = try tensor(try XCTUnwrap(t["values"])).toArray()
        for i in 0..<4 { XCTAssertEqual(Array(values[(i * 7)..<(i * 7 + 7)]), Array(y.toArray()[(i * 7)..<(i * 7 + 7)]).sorted(by: >)) }
        XCTAssertThrowsError(try run("topk", x, "6")) { XCTAssertEqual("\($0)", "bad value for k: 6 is more than the 5 values along axis 1 of [2, 5]") }
    }

    func testElementwiseAndComparisonsAgainstLoops() throws {
        let x = Tensor(shape: [5], data: [-2, -0.5, 0, 1.5, 4])
        XCTAssertEqual(try tensor(try run("abs", x)).toArray(), x.toArray().map { Swift.abs($0) })
        let positive = Tensor(shape: [3], data: [0.25, 1, 9])
        for (verb, f) in [("sqrt", { (v: Float) in v.squareRoot() }), ("exp", { Float(Foundation.exp(Double($0))) }),
                          ("log", { Float(Foundation.log(Double($0))) })] {
            for (g, e) in zip(try tensor(try run(verb, positive)).toArray(), positive.toArray().map(f)) { XCTAssertEqual(g, e, accuracy: 1e-5 * Swift.max(1, Swift.abs(e)), verb) }
        }
        for (g, e) in zip(try tensor(try run("pow", positive, "1.5")).toArray(), positive.toArray().map { Float(Foundation.pow(Double($0), 1.5)) }) {
            XCTAssertEqual(g, e, accuracy: 1e-5 * e)
        }
        XCTAssertEqual(try tensor(try run("clamp", x, "--min", "-1", "--max", "2")).toArray(), x.toArray().map { Swift.min(Swift.max($0, -1), 2) })
        XCTAssertEqual(try tensor(try run("clamp", x, "--max", "0")).toArray(), x.toArray().map { Swift.min($0, 0) })
        XCTAssertThrowsError(try run("clamp", x)) { XCTAssertTrue("\($0)".contains("give --min, --max or both")) }
        XCTAssertThrowsError(try run("clamp", x, "--min", "2", "--max", "1")) { XCTAssertTrue("\($0)".contains("below --min")) }
        let ops: [(String, (Float, Float) -> Bool)] = [("lt", (<)), ("le", (<=)), ("gt", (>)), ("ge", (>=)), ("eq", (==)), ("ne", (!=))]
        for (op, f) in ops {
            XCTAssertEqual(try tensor(try run("compare", x, op, "0")).toArray(), x.toArray().map { f($0, 0) ? 1 : 0 }, op)
        }
        let grid = try tensor(try run("compare", Tensor(shape: [2, 1], data: [0, 1]), "lt", Tensor(shape: [3], data: [0, 1, 2])))
        XCTAssertEqual(grid.toArray(), [0, 1, 1, 0, 0, 1])
        XCTAssertThrowsError(try run("compare", x, "gt", Tensor.zeros([2]))) {
            XCTAssertEqual("\($0)", "bad value for b: shapes [5] and [2] do not broadcast")
        }
    }
}
