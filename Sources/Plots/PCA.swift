/// Principal component analysis of the rows of a matrix: the top components of the covariance
/// (cyclic Jacobi eigen-decomposition in double precision), for projecting features to colours.
public struct PCA: Sendable {
    /// Mean row [D].
    public let mean: [Double]
    /// Unit components [k][D], by decreasing variance; each signed so its largest entry is positive.
    public let components: [[Double]]
    /// The variance along each component (the covariance's eigenvalues, divisor N).
    public let variances: [Double]

    /// Fits `count` components to `rows` ([N * D] row-major, N >= 1).
    public init(rows: [Float], dimension d: Int, count: Int) throws {
        guard d > 0, !rows.isEmpty, rows.count % d == 0 else {
            throw PlotError.invalidValue(argument: "PCA data", reason: "\(rows.count) values are not rows of \(d)")
        }
        guard count >= 1, count <= d else {
            throw PlotError.invalidValue(argument: "PCA components", reason: "\(count) components of \(d)-dimensional rows")
        }
        let n = rows.count / d
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += Double(rows[r * d + j]) } }
        mean = mean.map { $0 / Double(n) }
        var covariance = [Double](repeating: 0, count: d * d)
        var centered = [Double](repeating: 0, count: d)
        for r in 0..<n {
            for j in 0..<d { centered[j] = Double(rows[r * d + j]) - mean[j] }
            for i in 0..<d where centered[i] != 0 {
                for j in i..<d { covariance[i * d + j] += centered[i] * centered[j] }
            }
        }
        for i in 0..<d { for j in i..<d { covariance[i * d + j] /= Double(n); covariance[j * d + i] = covariance[i * d + j] } }
        let (values, vectors) = PCA.symmetricEigen(covariance, d)
        let order = values.indices.sorted { values[$0] > values[$1] }.prefix(count)
        self.mean = mean
        variances = order.map { Swift.max(values[$0], 0) }
        components = order.map { k in
            let v = (0..<d).map { vectors[$0 * d + k] }
            let largest = v.indices.max { Swift.abs(v[$0]) < Swift.abs(v[$1]) }!
            return v[largest] < 0 ? v.map { -$0 } : v
        }
    }

    /// The coordinates of `rows` ([N * D]) along the components: [N * k] row-major.
    public func project(_ rows: [Float]) -> [Double] {
        let d = mean.count, n = rows.count / d
        var out = [Double](repeating: 0, count: n * components.count)
        for r in 0..<n {
            for (k, component) in components.enumerated() {
                var sum = 0.0
                for j in 0..<d { sum += (Double(rows[r * d + j]) - mean[j]) * component[j] }
                out[r * components.count + k] = sum
            }
        }
        return out
    }

    /// Eigenvalues and eigenvectors (columns of a row-major d x d matrix) of a symmetric matrix, by cyclic Jacobi rotations.
    static func symmetricEigen(_ matrix: [Double], _ d: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        let scale = a.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<d { for j in (i + 1)..<Swift.max(i + 1, d) { off += a[i * d + j] * a[i * d + j] } }
            if off <= 1e-30 * scale || off == 0 { break }
            for p in 0..<d {
                for q in (p + 1)..<Swift.max(p + 1, d) where a[p * d + q] != 0 {
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {   // A <- A J (columns p, q)
                        let (akp, akq) = (a[k * d + p], a[k * d + q])
                        a[k * d + p] = c * akp - s * akq
                        a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0..<d {   // A <- J^T A (rows p, q)
                        let (apk, aqk) = (a[p * d + k], a[q * d + k])
                        a[p * d + k] = c * apk - s * aqk
                        a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let (vkp, vkq) = (v[k * d + p], v[k * d + q])
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<d).map { a[$0 * d + $0] }, v)
    }
}
