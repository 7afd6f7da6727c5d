import CVectorMath

/// One Adam step over `count` parameters in place (NN's `Adam` has the formula): with `weightDecay`,
/// `p *= 1 - lr * wd` (`decoupled`, AdamW) or `g += wd * p`; then `m = β1 m + (1 - β1) g`,
/// `v = β2 v + (1 - β2) g²`, `p -= stepSize * m / (sqrt(v) / correction2Root + ε)`.
/// Element by element in that order with no fused multiply-adds (C, `RLR_DEFINE_ADAM`), so the AVX2
/// and AVX-512 variants and any split of the range give the bits of the scalar formula.
public func adamUpdate(_ p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                       v: UnsafeMutablePointer<Float>, count: Int, beta1: Float, beta2: Float, epsilon: Float,
                       weightDecay: Float, decoupled: Bool, learningRate: Float, stepSize: Float, correction2Root: Float) {
    var step = rlr_adam_step(beta1: beta1, beta2: beta2, epsilon: epsilon, weight_decay: weightDecay, learning_rate: learningRate,
                             step_size: stepSize, correction2_root: correction2Root, decoupled: decoupled ? 1 : 0)
    (KernelVariants.avx512 ? rlr_adam_avx512 : rlr_adam_avx2)(p, g, m, v, count, &step)
}
