import Foundation
import Tensors

/// The fixed 2-D sin-cos positional embedding `[h*w, d]` (row-major tokens), computed in Double:
/// half = d/2, div_k = exp(-2k ln(1e4)/half); channels [0:half:2] = sin(col div), [1:half:2] =
/// cos(col div), [half::2] = sin(row div), [half+1::2] = cos(row div).
public func sinCosPositionalEmbedding(height: Int, width: Int, dims d: Int) throws -> Tensor {
    guard d % 4 == 0 else { throw RLRError.invalidConfig("hidden size \(d) must be a multiple of 4 for the 2-D positional embedding") }
    let half = d / 2
    return Tensor(shape: [height * width, d]) { out in
        for n in 0..<(height * width) {
            let (row, col) = (Double(n / width), Double(n % width))
            for k in 0..<(half / 2) {
                let div = exp(Double(2 * k) * -log(1e4) / Double(half))
                out[n * d + 2 * k] = Float(sin(col * div))
                out[n * d + 2 * k + 1] = Float(cos(col * div))
                out[n * d + half + 2 * k] = Float(sin(row * div))
                out[n * d + half + 2 * k + 1] = Float(cos(row * div))
            }
        }
    }
}
