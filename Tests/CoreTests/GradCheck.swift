import Kernels
import Tensors
import XCTest

/// Finite-difference gradient check: compares autograd's gradient of `sum(f(inputs) * R)` (R a fixed
/// random projection) with central differences, element by element, accumulating in Double.
func assertGradientsMatch(_ inputs: [Tensor], epsilon: Float = 1e-2, absoluteTolerance: Double = 3e-3,
                          relativeTolerance: Double = 2e-2, file: StaticString = #filePath, line: UInt = #line,
                          _ f: ([Tensor]) -> Tensor) {
    var generator = RandomGenerator(seed: 99)
    let leaves = inputs.map { Tensor(shape: $0.shape, data: $0.toArray()).requiringGrad() }
    let probe = f(leaves)
    let projection = Tensor.randn(probe.shape, generator: &generator)
    (probe * projection).sum().backward()

    let weights = projection.toArray().map(Double.init)
    func objective(_ values: [Tensor]) -> Double {
        zip(withNoGrad { f(values) }.toArray(), weights).reduce(0.0) { $0 + Double($1.0) * $1.1 }
    }
    for (index, leaf) in leaves.enumerated() {
        let analytic = leaf.grad?.toArray() ?? [Float](repeating: 0, count: leaf.count)
        let base = leaf.toArray()
        for element in 0..<leaf.count {
            func shifted(_ delta: Float) -> Double {
                var values = base
                values[element] += delta
                var arguments = leaves.map { Tensor(shape: $0.shape, data: $0.toArray()) }
                arguments[index] = Tensor(shape: leaf.shape, data: values)
                return objective(arguments)
            }
            let numeric = (shifted(epsilon) - shifted(-epsilon)) / Double(2 * epsilon)
            let error = Swift.abs(numeric - Double(analytic[element]))
            if error > absoluteTolerance + relativeTolerance * Swift.abs(numeric) {
                XCTFail("input \(index) element \(element): analytic \(analytic[element]) vs numeric \(numeric)", file: file, line: line)
                return
            }
        }
    }
}

/// Seeded test tensor.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1, offset: Float = 0) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.randn(shape, generator: &generator) * scale + offset
}
