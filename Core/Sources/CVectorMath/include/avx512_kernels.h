// AVX-512 variants of hot row kernels, compiled for AVX-512 F/BW/DQ/VL whatever the build targets;
// call them only where CPU.current.level is .avx512 (Kernels/VectorKernels.swift decides, once).
#pragma once

/// softmax(x[0..<n]) into y (which may be x); returns the row's log-sum-exp. A row of -inf gives
/// zeros and -inf; a NaN gives NaNs. Same contract and exp polynomial as Kernels' softmaxRow.
float rlr_softmax_row_avx512(const float *x, long n, float *y);

/// y[i] = e^x[i] for i < n (y may be x).
void rlr_exp_avx512(const float *x, long n, float *y);

/// y[i] = GELU(x[i]) = x Φ(x), exact (erf) form (y may be x).
void rlr_gelu_avx512(const float *x, long n, float *y);

/// out[i] = g[i] * GELU'(x[i]) = g (Φ(x) + x φ(x)).
void rlr_gelu_backward_avx512(const float *x, const float *g, long n, float *out);
