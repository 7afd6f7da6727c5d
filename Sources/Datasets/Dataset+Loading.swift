import Dispatch
import Imaging
import Kernels
import Tensors

extension Dataset {
    /// Decodes samples (all, or those at `indices`) into preallocated batch tensors, in parallel.
    ///
    /// Images are converted to RGB, resized to `size` x `size` with `filter` (PIL's antialiased
    /// resampling; bilinear as torchvision's default) and normalised; masks are resized NEAREST and
    /// binarised with `maskThreshold`.
    /// - Throws: `DatasetError.loadFailed` naming the first file that failed (decoding errors name the cause).
    public func load(_ indices: [Int]? = nil, size: Int, normalization: Normalization = .unit,
                     filter: ResampleFilter = .bilinear) throws -> Batch {
        guard size > 0 else { throw DatasetError.badArgument(name: "size", reason: "\(size) is not positive") }
        let chosen = try (indices ?? Array(samples.indices)).map { index -> Sample in
            guard samples.indices.contains(index) else {
                throw DatasetError.badArgument(name: "index", reason: "\(index) is outside 0..<\(samples.count)")
            }
            return samples[index]
        }
        let plane = size * size
        let images = Tensor(shape: [chosen.count, 3, size, size]) { _ in }
        let masks = Tensor.zeros([chosen.count, 1, size, size])
        let imageBase = SendablePointer(images.pointer), maskBase = SendablePointer(masks.pointer)
        let failures = IndexedLog<Error>()
        let threshold = maskThreshold
        DispatchQueue.concurrentPerform(iterations: chosen.count) { i in
            do {
                let sample = chosen[i]
                try Image(contentsOf: sample.path).resized(width: size, height: size, filter: filter)
                    .writeRGB(into: imageBase.base + i * 3 * plane, normalization: normalization)
                if let maskPath = sample.maskPath {
                    try Image(contentsOf: maskPath).firstChannel().resized(width: size, height: size, filter: .nearest)
                        .writeMask(into: maskBase.base + i * plane, threshold: threshold)
                }
            } catch {
                failures.record(i, error)
            }
        }
        let errors = failures.values()
        if let first = errors.first { throw DatasetError.loadFailed(first: "\(first)", failures: errors.count) }
        return Batch(samples: chosen, images: images, masks: masks)
    }
}
