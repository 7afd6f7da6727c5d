import Foundation
import Kernels
import Tensors
import XCTest

/// Forward results against PyTorch 2.13 and SciPy 1.17 (fixtures written by scripts/reference/tensor_ops.py).
final class ReferenceTests: XCTestCase {

    func testConvolutions() throws {
        let x = try fixture("conv_x")
        try assertClose(x.conv2d(try fixture("conv_w"), bias: try fixture("conv_b"), stride: (2, 1),
                                 padding: Padding2D(top: 0, bottom: 1, left: 2, right: 0), dilation: (1, 2), groups: 2), "conv_y")
        try assertClose(x.conv2d(try fixture("depthwise_w"), stride: (2, 2), padding: Padding2D(top: 1, bottom: 2, left: 1, right: 2),
                                 groups: 4), "depthwise_y")
    }

    func testResamplingAndPooling() throws {
        let x = try fixture("conv_x")
        try assertClose(x.interpolateBilinear(size: (13, 9), alignCorners: true), "bilinear_up_true")
        try assertClose(x.interpolateBilinear(size: (13, 9), alignCorners: false), "bilinear_up_false")
        try assertClose(x.interpolateBilinear(size: (3, 4), alignCorners: false), "bilinear_down_false")
        try assertClose(x.avgPool2d(kernel: 3, stride: 1, padding: 1), "avgpool3")
        try assertClose(x.maxPool2d(kernel: 3, stride: 2, padding: 1), "maxpool")
    }

    func testActivationsAndNormalisation() throws {
        let v = try fixture("unary_x")
        try assertClose(v.exp(), "unary_exp", tolerance: 3e-6)
        try assertClose(v.tanh(), "unary_tanh", tolerance: 2e-6)
        try assertClose(v.sigmoid(), "unary_sigmoid", tolerance: 2e-6)
        try assertClose(v.gelu(), "unary_gelu", tolerance: 2e-6)
        try assertClose(v.silu(), "unary_silu", tolerance: 2e-6)
        try assertClose(v.softmax(), "unary_softmax", tolerance: 2e-6)
        try assertClose(v.logSoftmax(), "unary_log_softmax", tolerance: 2e-6)
        try assertClose(v.layerNorm(weight: try fixture("ln_w"), bias: try fixture("ln_b")), "layer_norm", tolerance: 2e-6)
        try assertClose(v.cosineSimilarity(try fixture("cos_y")), "cosine", tolerance: 2e-6)
        try assertClose(v.variance(axes: [1]), "variance", tolerance: 2e-6)
        try assertClose(try fixture("matmul_a").matmul(try fixture("matmul_b")), "matmul", tolerance: 2e-6)
    }

    func testGaussianBlurMatchesSciPy() throws {
        try assertClose(try fixture("blur_x").gaussianBlur(sigma: 4), "blur_sigma4", tolerance: 2e-6)
    }
}
