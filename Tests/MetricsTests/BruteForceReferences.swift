// Slow, deliberately naive reference implementations written from the definitions, independent of the
// module's sort-and-sweep code: O(P N) pair counting, O(T P) threshold scans, label propagation.

/// AUROC as the Mann-Whitney statistic: P(score+ > score-) + 1/2 P(equal), over all pairs.
func bruteForceAUROC(_ scores: [Float], _ labels: [Bool]) -> Double {
    var wins = 0.0, pairs = 0.0
    for i in scores.indices where labels[i] {
        for j in scores.indices where !labels[j] {
            pairs += 1
            if scores[i] > scores[j] { wins += 1 } else if scores[i] == scores[j] { wins += 0.5 }
        }
    }
    return wins / pairs
}

/// (tp, fp) when every score >= threshold is called anomalous.
func countsAtOrAbove(_ threshold: Float, _ scores: [Float], _ labels: [Bool]) -> (tp: Int, fp: Int) {
    var tp = 0, fp = 0
    for i in scores.indices where scores[i] >= threshold {
        if labels[i] { tp += 1 } else { fp += 1 }
    }
    return (tp, fp)
}

/// Distinct scores, highest first.
func distinctDescending(_ scores: [Float]) -> [Float] {
    Array(Set(scores)).sorted(by: >)
}

/// Step-wise AP: Σ over distinct thresholds of (recall gain) * precision.
func bruteForceAP(_ scores: [Float], _ labels: [Bool]) -> Double {
    let positives = Double(labels.filter { $0 }.count)
    var previousRecall = 0.0, ap = 0.0
    for threshold in distinctDescending(scores) {
        let (tp, fp) = countsAtOrAbove(threshold, scores, labels)
        let recall = Double(tp) / positives
        ap += (recall - previousRecall) * Double(tp) / Double(tp + fp)
        previousRecall = recall
    }
    return ap
}

/// max over thresholds of 2 P R / (P + R), with precision and recall computed separately.
func bruteForceF1Max(_ scores: [Float], _ labels: [Bool]) -> Double {
    let positives = Double(labels.filter { $0 }.count)
    var best = 0.0
    for threshold in distinctDescending(scores) {
        let (tp, fp) = countsAtOrAbove(threshold, scores, labels)
        guard tp > 0 else { continue }
        let precision = Double(tp) / Double(tp + fp), recall = Double(tp) / positives
        best = max(best, 2 * precision * recall / (precision + recall))
    }
    return best
}

/// 8-connected components by label propagation: every anomalous pixel starts with its own id and takes
/// the smallest id among its 8 neighbours until nothing changes. Returns one id per pixel (-1 = normal).
func propagateLabels(_ mask: [UInt8], height: Int, width: Int) -> [Int] {
    var ids = mask.indices.map { mask[$0] != 0 ? $0 : -1 }
    var changed = true
    while changed {
        changed = false
        for row in 0..<height {
            for column in 0..<width where ids[row * width + column] >= 0 {
                for dy in -1...1 {
                    for dx in -1...1 {
                        let r = row + dy, c = column + dx
                        guard r >= 0, r < height, c >= 0, c < width else { continue }
                        let neighbour = ids[r * width + c]
                        if neighbour >= 0 && neighbour < ids[row * width + column] {
                            ids[row * width + column] = neighbour
                            changed = true
                        }
                    }
                }
            }
        }
    }
    return ids
}

/// The MVTec trapezoid with an x limit, written literally: keep x <= limit, add the interpolated
/// piece up to the limit when the limit is not a sample, integrate.
func trapezoid(_ x: [Double], _ y: [Double], limit: Double) -> Double {
    var area = 0.0
    for k in 1..<x.count where x[k] <= limit {
        area += (x[k] - x[k - 1]) * (y[k] + y[k - 1]) / 2
    }
    if !x.contains(limit), let insertion = x.firstIndex(where: { $0 > limit }) {
        let x0 = x[insertion - 1], y0 = y[insertion - 1]
        let interpolated = y0 + (y[insertion] - y0) * (limit - x0) / (x[insertion] - x0)
        area += 0.5 * (interpolated + y0) * (limit - x0)
    }
    return area
}

/// Images as (map [H, W], mask [H, W] or nil, height, width).
typealias PixelImage = (map: [Float], mask: [UInt8]?, height: Int, width: Int)

/// The PRO curve by scanning every pixel at every distinct threshold: (FPR, PRO) from (0, 0) to (1, 1).
func bruteForcePROCurve(_ images: [PixelImage]) -> (fpr: [Double], pro: [Double]) {
    var regionPixels: [[(image: Int, pixel: Int)]] = []
    var normalPixels: [(image: Int, pixel: Int)] = []
    for (index, image) in images.enumerated() {
        let mask = image.mask ?? [UInt8](repeating: 0, count: image.map.count)
        let ids = propagateLabels(mask, height: image.height, width: image.width)
        for id in Set(ids.filter { $0 >= 0 }).sorted() {
            regionPixels.append(ids.indices.filter { ids[$0] == id }.map { (index, $0) })
        }
        normalPixels += ids.indices.filter { ids[$0] < 0 }.map { (index, $0) }
    }
    var fpr = [0.0], pro = [0.0]
    for threshold in distinctDescending(images.flatMap(\.map)) {
        let falsePositives = normalPixels.filter { images[$0.image].map[$0.pixel] >= threshold }.count
        let overlaps = regionPixels.map { region in
            Double(region.filter { images[$0.image].map[$0.pixel] >= threshold }.count) / Double(region.count)
        }
        fpr.append(Double(falsePositives) / Double(normalPixels.count))
        pro.append(overlaps.reduce(0, +) / Double(overlaps.count))
    }
    return (fpr + [1], pro + [1])
}

/// Exact AUPRO from the brute-force curve and the literal trapezoid.
func bruteForceAUPRO(_ images: [PixelImage], limit: Double = 0.3) -> Double {
    let curve = bruteForcePROCurve(images)
    return trapezoid(curve.fpr, curve.pro, limit: limit) / limit
}

/// The 200-threshold approximation, literally: binarise at each threshold (score > th), per-region overlap,
/// FPR, keep FPR < limit, min-max rescale FPR, trapezoid over the sorted points.
func bruteForceSampledAUPRO(_ images: [PixelImage], thresholdCount: Int = 200, limit: Double = 0.3) -> Double {
    let all = images.flatMap(\.map).map(Double.init)
    let low = all.min()!, high = all.max()!
    let step = (high - low) / Double(thresholdCount)
    var points: [(fpr: Double, pro: Double)] = []
    for i in 0..<thresholdCount {
        let threshold = low + Double(i) * step
        var overlaps: [Double] = [], falsePositives = 0, normals = 0
        for image in images {
            let mask = image.mask ?? [UInt8](repeating: 0, count: image.map.count)
            let ids = propagateLabels(mask, height: image.height, width: image.width)
            for id in Set(ids.filter { $0 >= 0 }) {
                let region = ids.indices.filter { ids[$0] == id }
                overlaps.append(Double(region.filter { Double(image.map[$0]) > threshold }.count) / Double(region.count))
            }
            for pixel in ids.indices where ids[pixel] < 0 {
                normals += 1
                if Double(image.map[pixel]) > threshold { falsePositives += 1 }
            }
        }
        let fpr = Double(falsePositives) / Double(normals)
        if fpr < limit { points.append((fpr, overlaps.reduce(0, +) / Double(overlaps.count))) }
    }
    points.sort { ($0.fpr, $0.pro) < ($1.fpr, $1.pro) }
    let range = points.last!.fpr - points.first!.fpr
    var area = 0.0
    for k in 1..<points.count {
        area += (points[k].fpr - points[k - 1].fpr) / range * (points[k].pro + points[k - 1].pro) / 2
    }
    return area
}
