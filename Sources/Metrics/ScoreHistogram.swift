/// Items counted per score bin: a ranking whose memory does not grow with the number of items.
///
/// A bin is the top 20 bits of a score's order key (`ScoreKey`): sign, exponent and the top 11 mantissa
/// bits, so the scores in one bin lie within a relative 2^-11 (about 4.9e-4) of each other. Each bin holds
/// its normal and anomalous items, the sum of 1 / (area of the item's region) over its anomalous items
/// (what AUPRO needs) and the lowest and highest key it has seen, so a bin that holds one distinct score
/// is known to be exact. 2^20 bins of 32 bytes: 32 MiB, whatever the number of items.
struct ScoreHistogram: Sendable {
    private struct Bin {
        var normals = 0
        var anomalous = 0
        var overlap = 0.0
        /// Smallest and largest key offset (the key's low bits) counted: the bin's highest and lowest score.
        var offsets: (min: UInt16, max: UInt16) = (.max, 0)
    }

    private static let offsetBits: UInt32 = 12
    private static let binCount = 1 << (32 - offsetBits)
    /// Bytes held, whatever the number of items.
    static let byteCount = binCount * MemoryLayout<Bin>.stride

    private var bins = [Bin](repeating: Bin(), count: binCount)

    /// Counts items given as words key << 32 | region id (0 = normal), `regionAreas[id]` being the area of
    /// region id (index 0 unused).
    mutating func add(words: some Sequence<UInt64>, regionAreas: [Int]) {
        let weights = Ranking.regionWeights(areas: regionAreas)
        bins.withUnsafeMutableBufferPointer { bins in
            for word in words {
                let key = UInt32(truncatingIfNeeded: word >> 32)
                let region = Int(truncatingIfNeeded: word & 0xFFFF_FFFF)
                let offset = UInt16(truncatingIfNeeded: key & (1 << Self.offsetBits - 1))
                let index = Int(key >> Self.offsetBits)
                if region == 0 {
                    bins[index].normals += 1
                } else {
                    bins[index].anomalous += 1
                    bins[index].overlap += weights[region]
                }
                bins[index].offsets = (Swift.min(bins[index].offsets.min, offset), Swift.max(bins[index].offsets.max, offset))
            }
        }
    }

    /// Calls `visit` once per non-empty bin, from the highest scores to the lowest, with cumulative counts
    /// (exact operating points at the bin's lowest score; `mergesScores` when it holds several distinct scores).
    func sweep(_ visit: (OperatingPoint) -> Void) {
        var truePositives = 0, falsePositives = 0
        var overlap = 0.0
        bins.withUnsafeBufferPointer { bins in
            for (index, bin) in bins.enumerated() where bin.offsets.min <= bin.offsets.max {
                truePositives += bin.anomalous
                falsePositives += bin.normals
                overlap += bin.overlap
                let lowestScore = UInt32(index) << Self.offsetBits | UInt32(bin.offsets.max)
                visit(OperatingPoint(
                    threshold: ScoreKey.score(lowestScore), truePositives: truePositives, falsePositives: falsePositives,
                    regionOverlap: overlap, mergesScores: bin.offsets.min != bin.offsets.max))
            }
        }
    }
}
