// AVX-512 variants of hot row kernels, compiled for AVX-512 F/BW/DQ/VL whatever the build targets;
// call them only where CPU.current.level is .avx512 (Kernels/VectorKernels.swift decides, once).
#pragma once
#include "vector_math.h"

/// softmax(x[0..<n]) into y (which may be x); returns the row's log-sum-exp. A row of -inf gives
/// zeros and -inf; a NaN gives NaNs. With `normalizer`, y keeps exp(x - max) and 1 / sum goes there
/// (0 for a row of -inf). Same contract and exp polynomial as Kernels' softmaxRow.
float rlr_softmax_row_avx512(const float *x, long n, float *y, float *normalizer);

/// y[i] = e^x[i] for i < n (y may be x).
void rlr_exp_avx512(const float *x, long n, float *y);

/// y[i] = GELU(x[i]) = x Φ(x), exact (erf) form (y may be x).
void rlr_gelu_avx512(const float *x, long n, float *y);

/// out[i] = g[i] * GELU'(x[i]) = g (Φ(x) + x φ(x)).
void rlr_gelu_backward_avx512(const float *x, const float *g, long n, float *out);

/// One row of layer normalisation: y = (x - mean) * rstd with rstd = 1/sqrt(var + epsilon) (two passes).
void rlr_layer_norm_row_avx512(const float *x, long n, float epsilon, float *y, float *mean, float *rstd);

/// One row of its gradient: d = rstd * (g - mean(g) - xhat * mean(g * xhat)).
void rlr_layer_norm_backward_row_avx512(const float *xhat, const float *g, float rstd, long n, float *d);

/// C[m, n] = alpha * op(A)[m, k] * B[k, n] (+ C when `accumulate`), row-major, one thread: thinGEMM's
/// contract (Kernels/ThinGEMM.swift). op(A) is A (a[i * lda + p]) or, with `transpose_a`, Aᵀ (a[p * lda + i]).
void rlr_thin_gemm_avx512(int transpose_a, long m, long n, long k, float alpha, const float *a, long lda,
                          const float *b, long ldb, int accumulate, float *c, long ldc);

/// One Adam step over n parameters, 16 at a time (see RLR_DEFINE_ADAM in vector_math.h).
void rlr_adam_avx512(float *p, const float *g, float *m, float *v, long n, const rlr_adam_step *step);

/// A depthwise convolution's shape: input [height, width, channels], square kernel, zero padding
/// (what Kernels' ConvGeometry says; bottom and right padding follow from output_height/width).
typedef struct {
    long channels, height, width, kernel, stride_y, stride_x, pad_top, pad_left, output_width;
} rlr_depthwise_shape;

/// Output rows [row_start, row_end) of a depthwise convolution with bias and ReLU6, channels-last:
/// depthwiseConvolutionReLU6's contract (Kernels/Convolution.swift). weights [k, k, C], bias [C],
/// output [output_height, output_width, C].
void rlr_depthwise_relu6_avx512(const float *input, const rlr_depthwise_shape *shape, const float *weights,
                                const float *bias, float *output, long row_start, long row_end);
