// Times exact AUPRO (and the one-pass pixel metrics) on synthetic maps: release build, one core.
//   swift run -c release metrics-bench [images] [regionsPerImage] [size] [--exact-only] [--save FOLDER]
// --exact-only stops after the flat AUPRO call, so the peak memory printed is that of the exact path alone;
// --save writes the synthetic maps.npy [N, S, S] and masks.npy to FOLDER for scripts/metrics-reference.py --check.
import Glibc
import Kernels
import Metrics
import Tensors

@main
struct MetricsBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let images = arguments.count > 0 ? arguments[0] : 100
        let regionsPerImage = arguments.count > 1 ? arguments[1] : 20
        let size = arguments.count > 2 ? arguments[2] : 256
        let (maps, masks) = synthetic(images: images, regionsPerImage: regionsPerImage, size: size)
        if let flag = CommandLine.arguments.firstIndex(of: "--save"), flag + 1 < CommandLine.arguments.count {
            let folder = CommandLine.arguments[flag + 1]
            try NPY.write(Tensor(shape: [images, size, size], data: maps), to: folder + "/maps.npy")
            try NPY.write(Tensor(shape: [images, size, size], data: masks.map(Float.init)), to: folder + "/masks.npy")
        }
        print("\(images) maps of \(size)x\(size), \(regionsPerImage) drawn regions per map (\(images * size * size) pixels)")

        let clock = ContinuousClock()
        var result = 0.0
        let runs = (0..<5).map { _ in
            clock.measure {
                result = (try? AUPRO.value(maps: maps, masks: masks, count: images, height: size, width: size)) ?? .nan
            }
        }.sorted()
        print("AUPRO exact (label regions + sort + sweep): \(result)  min \(milliseconds(runs[0])) ms, median \(milliseconds(runs[2])) ms of 5")
        if CommandLine.arguments.contains("--exact-only") { print("peak resident memory: \(peakResidentMegabytes()) MB"); return }

        let collectStart = clock.now
        var pixels = accumulate(maps, masks, images: images, size: size, exactPixelLimit: .max)
        let sortStart = clock.now
        let ranking: Ranking? = pixels.finish()
        let collect = collectStart.duration(to: sortStart), sort = sortStart.duration(to: clock.now)
        var all: RankingMetrics?
        let sweep = clock.measure { all = try? RankingMetrics(ranking!) }
        print("PixelAccumulator.add, image by image (8-connected regions): \(milliseconds(collect)) ms (\(ranking!.regionCount) regions)")
        print("ranking (radix sort of all pixels): \(milliseconds(sort)) ms")
        print("one sweep: P-AUROC \(all!.auroc), P-AP \(all!.averagePrecision), P-F1max \(all!.f1Max.value), AUPRO \(all!.aupro!)  \(milliseconds(sweep)) ms")
        var approximate: Double??
        let sampled = clock.measure { approximate = try? AUPRO.sampledApproximation(ranking!) }
        print("AUPRO 200-threshold approximation (not official): \(approximate.flatMap { $0 } ?? .nan)  \(milliseconds(sampled)) ms")
        var binned: RankingMetrics?
        let binning = clock.measure {
            var binnedPixels = accumulate(maps, masks, images: images, size: size, exactPixelLimit: 0)
            binned = try? RankingMetrics(binnedPixels.finish())
        }
        if let binned, let all {
            let bound = binned.errorBound
            print("binned (2^20 score bins, as past the exact limit): collect + sweep \(milliseconds(binning)) ms; minus exact: "
                  + "P-AUROC \(binned.auroc - all.auroc) (bound \(bound.auroc)), P-AP \(binned.averagePrecision - all.averagePrecision) "
                  + "(bound \(bound.averagePrecision)), P-F1max \(binned.f1Max.value - all.f1Max.value) (bound \(bound.f1Max), from below), "
                  + "AUPRO \(binned.aupro! - all.aupro!) (bound \(bound.aupro!))")
        }
        print("peak resident memory: \(peakResidentMegabytes()) MB")
    }

    /// The maps and masks added image by image to an accumulator.
    static func accumulate(_ maps: [Float], _ masks: [UInt8], images: Int, size: Int, exactPixelLimit: Int) -> PixelAccumulator {
        var pixels = PixelAccumulator(reservingPixels: maps.count, exactPixelLimit: exactPixelLimit)
        maps.withUnsafeBufferPointer { mapBuffer in
            masks.withUnsafeBufferPointer { maskBuffer in
                for image in 0..<images {
                    let range = image * size * size ..< (image + 1) * size * size
                    try? pixels.add(map: UnsafeBufferPointer(rebasing: mapBuffer[range]),
                                    mask: UnsafeBufferPointer(rebasing: maskBuffer[range]), height: size, width: size)
                }
            }
        }
        return pixels
    }

    /// Maps [N, S, S] of uniform noise plus a bump inside elliptical regions of masks [N, S, S].
    static func synthetic(images: Int, regionsPerImage: Int, size: Int) -> ([Float], [UInt8]) {
        var generator = RandomGenerator(seed: 7)
        var maps = [Float](repeating: 0, count: images * size * size)
        var masks = [UInt8](repeating: 0, count: images * size * size)
        for image in 0..<images {
            for _ in 0..<regionsPerImage {
                let centreRow = Float(size) * generator.nextUniform(), centreColumn = Float(size) * generator.nextUniform()
                let radius = 2 + Float(size) / 16 * generator.nextUniform()
                let lowRow = max(0, Int(centreRow - radius)), highRow = min(size - 1, Int(centreRow + radius))
                let lowColumn = max(0, Int(centreColumn - radius)), highColumn = min(size - 1, Int(centreColumn + radius))
                for row in lowRow...highRow {
                    for column in lowColumn...highColumn {
                        let dy = Float(row) - centreRow, dx = Float(column) - centreColumn
                        if dy * dy + dx * dx <= radius * radius { masks[(image * size + row) * size + column] = 1 }
                    }
                }
            }
        }
        for pixel in maps.indices {
            maps[pixel] = generator.nextUniform() + (masks[pixel] != 0 ? 0.5 * generator.nextUniform() : 0)
        }
        return (maps, masks)
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return String(Int(value.rounded()))
    }

    static func peakResidentMegabytes() -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return -1 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmHWM:") {
                return (Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
            }
        }
        return -1
    }
}
