// rlr's own single-precision GEMM, with cblas_sgemm's signature: the correct (slower) product rlr uses
// when no BLAS library loads or the loaded one fails its self-check (Kernels/BLAS.swift).
#pragma once

/// Row-major `C = alpha op(A) op(B) + beta C` (order must be CblasRowMajor, 101; trans 111 = no, 112 = yes).
void rlr_sgemm_fallback(int order, int transA, int transB, int m, int n, int k, float alpha,
                        const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
