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

AVX512 float rlr_softmax_row_avx512(const float *x, long n, float *y, float *normalizer) {
    const long full = n & ~15L;
    const __mmask16 tail = head(n - full);
    __m512 peaks = _mm512_set1_ps(-INFINITY);
    for (long i = 0; i < full; i += 16) peaks = _mm512_max_ps(peaks, _mm512_loadu_ps(x + i));
    peaks = _mm512_max_ps(peaks, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), tail, x + full));
    const float peak = _mm512_reduce_max_ps(peaks);
    if (peak == -INFINITY) {
        for (long i = 0; i < n; i++) y[i] = 0;
        if (normalizer) *normalizer = 0;
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
    if (normalizer) {
        *normalizer = 1 / sum;
        return peak + (float)log((double)sum);
    }
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

/// min(max(v, 0), 6), NaN kept (max and min return their second operand when either is NaN).
static inline __attribute__((always_inline)) AVX512 __m512 relu6_16(__m512 v) {
    return _mm512_min_ps(_mm512_set1_ps(6), _mm512_max_ps(_mm512_setzero_ps(), v));
}

/// Output pixels per block of the depthwise kernel (accumulators).
#define DW_BLOCK 8

/// DW_BLOCK adjacent output pixels of 16 (`mask`) channels, kernel rows [ky0, ky1): `x` is the input
/// at the first window's top-left corner (column `left`, which may lie in the padding), `w` and `out`
/// at the channel. Input column m of a kernel row feeds output j through tap m - S j, so each column
/// is loaded once for up to K taps (K, S and `guarded` are constants where this is inlined). With
/// `guarded`, columns outside [0, width) read zeros (a masked load with no lanes touches no memory).
static inline __attribute__((always_inline)) AVX512 void
dw_block(const float *x, long left, long width, long channels, const float *w, __m512 bias, __mmask16 mask, long ky0,
         long ky1, int K, int S, int guarded, float *out) {
    __m512 acc[DW_BLOCK];
    for (int j = 0; j < DW_BLOCK; j++) acc[j] = bias;
    for (long ky = ky0; ky < ky1; ky++) {
        const float *line = x + ky * width * channels;
        __m512 taps[5];
        for (int t = 0; t < K; t++) taps[t] = _mm512_maskz_loadu_ps(mask, w + (ky * K + t) * channels);
#pragma clang loop unroll(full)
        for (int m = 0; m < (DW_BLOCK - 1) * S + K; m++) {
            const __mmask16 inside = !guarded || (unsigned long)(left + m) < (unsigned long)width ? mask : 0;
            const __m512 column = _mm512_maskz_loadu_ps(inside, line + m * channels);
#pragma clang loop unroll(full)
            for (int j = 0; j < DW_BLOCK; j++) {
                const int t = m - S * j;
                if (t >= 0 && t < K) acc[j] = _mm512_fmadd_ps(column, taps[t], acc[j]);
            }
        }
    }
    for (int j = 0; j < DW_BLOCK; j++) _mm512_mask_storeu_ps(out + j * channels, mask, relu6_16(acc[j]));
}

/// One output pixel of 16 (`mask`) channels with the kernel clipped to the image; `x`, `w` and `out`
/// at the channel, the window's top-left corner at (top, left).
static inline __attribute__((always_inline)) AVX512 void
dw_pixel(const float *x, const rlr_depthwise_shape *s, const float *w, __m512 bias, __mmask16 mask, long top, long left,
         long ky0, long ky1, float *out) {
    const long k = s->kernel, c = s->channels;
    const long kx0 = left < 0 ? -left : 0, kx1 = s->width - left < k ? s->width - left : k;
    __m512 acc = bias;
    for (long ky = ky0; ky < ky1; ky++)
        for (long kx = kx0; kx < kx1; kx++)
            acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, x + ((top + ky) * s->width + left + kx) * c),
                                  _mm512_maskz_loadu_ps(mask, w + (ky * k + kx) * c), acc);
    _mm512_mask_storeu_ps(out, mask, relu6_16(acc));
}

/// One output row of 16 (`mask`) channels from `c`, in blocks (the last moved back to end at the
/// row's end; guarded where a window reaches outside the image, columns [first, last) have none that
/// does), or pixel by pixel for K 0 and rows narrower than a block.
static inline __attribute__((always_inline)) AVX512 void
dw_row(const float *input, const rlr_depthwise_shape *s, const float *weights, const float *bias, long c, __mmask16 mask,
       long top, long ky0, long ky1, long first, long last, int K, int S, float *out_row) {
    const long channels = s->channels, out_w = s->output_width;
    const __m512 b = _mm512_maskz_loadu_ps(mask, bias + c);
    if (K && out_w >= DW_BLOCK) {
        for (long ox = 0; ox < out_w; ox += DW_BLOCK) {
            if (ox > out_w - DW_BLOCK) ox = out_w - DW_BLOCK;
            const long left = ox * S - s->pad_left;
            const float *x = input + (top * s->width + left) * channels + c;
            float *out = out_row + ox * channels + c;
            if (ox >= first && ox + DW_BLOCK <= last)
                dw_block(x, left, s->width, channels, weights + c, b, mask, ky0, ky1, K, S, 0, out);
            else
                dw_block(x, left, s->width, channels, weights + c, b, mask, ky0, ky1, K, S, 1, out);
        }
        return;
    }
    for (long ox = 0; ox < out_w; ox++)
        dw_pixel(input + c, s, weights + c, b, mask, top, ox * s->stride_x - s->pad_left, ky0, ky1, out_row + ox * channels + c);
}
/// The rows for kernel size K and stride S (0, 0: any other, pixel by pixel), a copy for whole
/// 16-channel slices (unmasked loads) and one for the last partial slice.
static inline __attribute__((always_inline)) AVX512 void
dw_rows(const float *input, const rlr_depthwise_shape *s, const float *weights, const float *bias, float *output,
        long row_start, long row_end, int K, int S) {
    const long k = s->kernel, stride = s->stride_x, out_w = s->output_width, channels = s->channels;
    // Output columns whose whole kernel window lies inside the image.
    const long reach = s->width - k + s->pad_left;
    long first = (s->pad_left + stride - 1) / stride, last = reach >= 0 ? reach / stride + 1 : 0;
    first = first < out_w ? first : out_w;
    last = last < out_w ? last : out_w;
    last = last > first ? last : first;
    for (long oy = row_start; oy < row_end; oy++) {
        const long top = oy * s->stride_y - s->pad_top;
        const long ky0 = top < 0 ? -top : 0, ky1 = s->height - top < k ? s->height - top : k;
        float *out_row = output + oy * out_w * channels;
        long c = 0;
        for (; c + 16 <= channels; c += 16)
            dw_row(input, s, weights, bias, c, 0xFFFF, top, ky0, ky1, first, last, K, S, out_row);
        if (c < channels) dw_row(input, s, weights, bias, c, head(channels - c), top, ky0, ky1, first, last, K, S, out_row);
    }
}

AVX512 void rlr_depthwise_relu6_avx512(const float *input, const rlr_depthwise_shape *s, const float *weights,
                                       const float *bias, float *output, long row_start, long row_end) {
    const long k = s->kernel, stride = s->stride_x;
    if (k == 3 && stride == 1) dw_rows(input, s, weights, bias, output, row_start, row_end, 3, 1);
    else if (k == 3 && stride == 2) dw_rows(input, s, weights, bias, output, row_start, row_end, 3, 2);
    else if (k == 5 && stride == 1) dw_rows(input, s, weights, bias, output, row_start, row_end, 5, 1);
    else if (k == 5 && stride == 2) dw_rows(input, s, weights, bias, output, row_start, row_end, 5, 2);
    else dw_rows(input, s, weights, bias, output, row_start, row_end, 0, 0);
}
