#include "fallback_gemm.h"
#include <stdlib.h>

enum { TRANS = 112, KBLOCK = 256 };

// One row of C += alpha op(A)[i, p0..<p1] * B[p0..<p1, :] with B row-major [k, n] at `b` (stride ldb);
// the inner loop over n vectorises for the CPU the clone runs on.
__attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
static void row_update(int n, int p0, int p1, float alpha, const float *arow, int astride,
                       const float *b, int ldb, float *crow) {
    for (int p = p0; p < p1; p++) {
        const float ap = alpha * arow[(long)p * astride];
        const float *brow = b + (long)p * ldb;
        for (int j = 0; j < n; j++) crow[j] += ap * brow[j];
    }
}

void rlr_sgemm_fallback(int order, int transA, int transB, int m, int n, int k, float alpha,
                        const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    (void)order;
    for (int i = 0; i < m; i++) {
        float *crow = c + (long)i * ldc;
        for (int j = 0; j < n; j++) crow[j] = beta == 0 ? 0 : beta * crow[j];
    }
    if (k == 0 || alpha == 0) return;
    // op(B) as row-major [k, n]: B itself, or a transposed copy.
    float *packed = NULL;
    if (transB == TRANS) {
        packed = malloc(sizeof(float) * (size_t)k * (size_t)n);
        if (!packed) abort();
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) packed[(long)p * n + j] = b[(long)j * ldb + p];
        b = packed;
        ldb = n;
    }
    // Blocks of k keep a slab of B in cache while every row of C passes over it.
    for (int p0 = 0; p0 < k; p0 += KBLOCK) {
        const int p1 = p0 + KBLOCK < k ? p0 + KBLOCK : k;
        for (int i = 0; i < m; i++) {
            const float *arow = transA == TRANS ? a + i : a + (long)i * lda;
            row_update(n, p0, p1, alpha, arow, transA == TRANS ? lda : 1, b, ldb, c + (long)i * ldc);
        }
    }
    free(packed);
}
