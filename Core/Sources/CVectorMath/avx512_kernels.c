#include "avx512_kernels.h"
#include "vector_math.h"
#include <immintrin.h>
#include <math.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,fma")))

typedef float rlr_float16 __attribute__((ext_vector_type(16)));
typedef int rlr_int16 __attribute__((ext_vector_type(16)));

RLR_DEFINE_EXP(rlr_exp16, rlr_float16, rlr_int16, __attribute__((always_inline)) AVX512)

/// Lanes [0, count) of a 16-lane mask.
static inline AVX512 __mmask16 head(long count) { return (__mmask16)((1u << count) - 1); }

AVX512 float rlr_softmax_row_avx512(const float *x, long n, float *y) {
    const long full = n & ~15L;
    const __mmask16 tail = head(n - full);
    __m512 peaks = _mm512_set1_ps(-INFINITY);
    for (long i = 0; i < full; i += 16) peaks = _mm512_max_ps(peaks, _mm512_loadu_ps(x + i));
    peaks = _mm512_max_ps(peaks, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), tail, x + full));
    const float peak = _mm512_reduce_max_ps(peaks);
    if (peak == -INFINITY) {
        for (long i = 0; i < n; i++) y[i] = 0;
        return -INFINITY;
    }
    rlr_float16 total = 0;
    for (long i = 0; i < full; i += 16) {
        rlr_float16 e = rlr_exp16((rlr_float16)_mm512_loadu_ps(x + i) - peak);
        _mm512_storeu_ps(y + i, (__m512)e);
        total += e;
    }
    // The tail's missing lanes read -inf, whose exp is exactly 0.
    rlr_float16 e = rlr_exp16((rlr_float16)_mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), tail, x + full) - peak);
    _mm512_mask_storeu_ps(y + full, tail, (__m512)e);
    total += e;
    const float sum = _mm512_reduce_add_ps((__m512)total);
    const __m512 inverse = _mm512_set1_ps(1 / sum);
    for (long i = 0; i < full; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), inverse));
    _mm512_mask_storeu_ps(y + full, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, y + full), inverse));
    return peak + (float)log((double)sum);
}

RLR_DEFINE_ERF(rlr_erf16, rlr_exp16, rlr_float16, rlr_int16, __attribute__((always_inline)) AVX512)

static inline __attribute__((always_inline)) AVX512 rlr_float16 gelu16(rlr_float16 x) {
    return 0.5f * x * (1.0f + rlr_erf16(x * 0.70710678f));
}

static inline __attribute__((always_inline)) AVX512 rlr_float16 gelu_derivative16(rlr_float16 x) {
    return 0.5f * (1.0f + rlr_erf16(x * 0.70710678f)) + x * 0.39894228f * rlr_exp16(-0.5f * x * x);
}

/// y = F(x) over n floats, 16 at a time, the tail through masked loads and stores.
#define MAP16(F, x, n, y)                                                                             \
    do {                                                                                              \
        long i = 0;                                                                                   \
        for (; i + 16 <= (n); i += 16) _mm512_storeu_ps((y) + i, (__m512)F((rlr_float16)_mm512_loadu_ps((x) + i))); \
        const __mmask16 rest = head((n) - i);                                                         \
        if (rest) _mm512_mask_storeu_ps((y) + i, rest, (__m512)F((rlr_float16)_mm512_maskz_loadu_ps(rest, (x) + i))); \
    } while (0)

AVX512 void rlr_exp_avx512(const float *x, long n, float *y) { MAP16(rlr_exp16, x, n, y); }

AVX512 void rlr_gelu_avx512(const float *x, long n, float *y) { MAP16(gelu16, x, n, y); }

AVX512 void rlr_gelu_backward_avx512(const float *x, const float *g, long n, float *out) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        rlr_float16 d = gelu_derivative16((rlr_float16)_mm512_loadu_ps(x + i));
        _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_loadu_ps(g + i), (__m512)d));
    }
    const __mmask16 rest = head(n - i);
    if (rest) {
        rlr_float16 d = gelu_derivative16((rlr_float16)_mm512_maskz_loadu_ps(rest, x + i));
        _mm512_mask_storeu_ps(out + i, rest, _mm512_mul_ps(_mm512_maskz_loadu_ps(rest, g + i), (__m512)d));
    }
}

AVX512 void rlr_layer_norm_row_avx512(const float *x, long n, float epsilon, float *y, float *mean, float *rstd) {
    const long full = n & ~15L;
    const __mmask16 tail = head(n - full);
    __m512 sum = _mm512_setzero_ps();
    for (long i = 0; i < full; i += 16) sum = _mm512_add_ps(sum, _mm512_loadu_ps(x + i));
    sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(tail, x + full));
    const float mu = _mm512_reduce_add_ps(sum) / (float)n;
    const __m512 center = _mm512_set1_ps(mu);
    __m512 squares = _mm512_setzero_ps();
    for (long i = 0; i < full; i += 16) {
        const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(x + i), center);
        squares = _mm512_fmadd_ps(d, d, squares);
    }
    const __m512 last = _mm512_maskz_sub_ps(tail, _mm512_maskz_loadu_ps(tail, x + full), center);
    squares = _mm512_fmadd_ps(last, last, squares);
    const float scale = 1 / sqrtf(_mm512_reduce_add_ps(squares) / (float)n + epsilon);
    const __m512 s = _mm512_set1_ps(scale);
    for (long i = 0; i < full; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + i), center), s));
    _mm512_mask_storeu_ps(y + full, tail, _mm512_mul_ps(last, s));
    *mean = mu;
    *rstd = scale;
}

AVX512 void rlr_layer_norm_backward_row_avx512(const float *xhat, const float *g, float rstd, long n, float *d) {
    const long full = n & ~15L;
    const __mmask16 tail = head(n - full);
    __m512 sumG = _mm512_setzero_ps(), sumGH = _mm512_setzero_ps();
    for (long i = 0; i < full; i += 16) {
        const __m512 gv = _mm512_loadu_ps(g + i);
        sumG = _mm512_add_ps(sumG, gv);
        sumGH = _mm512_fmadd_ps(gv, _mm512_loadu_ps(xhat + i), sumGH);
    }
    const __m512 gt = _mm512_maskz_loadu_ps(tail, g + full), ht = _mm512_maskz_loadu_ps(tail, xhat + full);
    sumG = _mm512_add_ps(sumG, gt);
    sumGH = _mm512_fmadd_ps(gt, ht, sumGH);
    const __m512 meanG = _mm512_set1_ps(_mm512_reduce_add_ps(sumG) / (float)n);
    const __m512 meanGH = _mm512_set1_ps(_mm512_reduce_add_ps(sumGH) / (float)n), s = _mm512_set1_ps(rstd);
    for (long i = 0; i < full; i += 16) {
        const __m512 inner = _mm512_fnmadd_ps(_mm512_loadu_ps(xhat + i), meanGH, _mm512_sub_ps(_mm512_loadu_ps(g + i), meanG));
        _mm512_storeu_ps(d + i, _mm512_mul_ps(s, inner));
    }
    _mm512_mask_storeu_ps(d + full, tail, _mm512_mul_ps(s, _mm512_fnmadd_ps(ht, meanGH, _mm512_sub_ps(gt, meanG))));
}

/// Up to 8 rows x 32 columns of C over the whole depth k: 16 zmm accumulators, A broadcast straight
/// into the FMAs. `low` and `high` select the columns of the two 16-column halves (tails are masked);
/// with `halves` 1 only the low half is computed. Rows at or past `rows` read row 0 and are not stored.
static inline __attribute__((always_inline)) AVX512 void
thin_block(long rows, __mmask16 low, __mmask16 high, int halves, long k, float alpha, const float *a, long row_step,
           long depth_step, const float *b, long ldb, int accumulate, float *c, long ldc) {
    long offset[8];
    for (int r = 0; r < 8; r++) offset[r] = r < rows ? r * row_step : 0;
    __m512 acc[8][2];
    for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (long p = 0; p < k; p++, a += depth_step, b += ldb) {
        const __m512 b0 = _mm512_maskz_loadu_ps(low, b);
        const __m512 b1 = halves == 2 ? _mm512_maskz_loadu_ps(high, b + 16) : b0;
        for (int r = 0; r < 8; r++) {
            const __m512 ar = _mm512_set1_ps(a[offset[r]]);
            acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
            if (halves == 2) acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
        }
    }
    const __m512 scale = _mm512_set1_ps(alpha);
    for (int r = 0; r < 8 && r < rows; r++) {
        float *target = c + r * ldc;
        for (int h = 0; h < halves; h++) {
            const __mmask16 mask = h ? high : low;
            const __m512 old = accumulate ? _mm512_maskz_loadu_ps(mask, target + 16 * h) : _mm512_setzero_ps();
            _mm512_mask_storeu_ps(target + 16 * h, mask, _mm512_fmadd_ps(acc[r][h], scale, old));
        }
    }
}

AVX512 void rlr_thin_gemm_avx512(int transpose_a, long m, long n, long k, float alpha, const float *a, long lda,
                                 const float *b, long ldb, int accumulate, float *c, long ldc) {
    // Element (i, p) of op(A) is at a + i * row_step + p * depth_step.
    const long row_step = transpose_a ? 1 : lda, depth_step = transpose_a ? lda : 1;
    for (long i = 0; i < m; i += 8) {
        const long rows = m - i < 8 ? m - i : 8;
        const float *ai = a + i * row_step;
        float *ci = c + i * ldc;
        long j = 0;
        for (; j + 32 <= n; j += 32)
            thin_block(rows, 0xFFFF, 0xFFFF, 2, k, alpha, ai, row_step, depth_step, b + j, ldb, accumulate, ci + j, ldc);
        if (n - j > 16)
            thin_block(rows, 0xFFFF, head(n - j - 16), 2, k, alpha, ai, row_step, depth_step, b + j, ldb, accumulate, ci + j, ldc);
        else if (n > j)
            thin_block(rows, head(n - j), 0, 1, k, alpha, ai, row_step, depth_step, b + j, ldb, accumulate, ci + j, ldc);
    }
}

RLR_DEFINE_ADAM(rlr_adam_avx512, rlr_float16, 16, AVX512)
