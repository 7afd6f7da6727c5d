// exp and erf on 8 floats, as inline functions Swift imports and inlines into its loops
// (rlr_float8 is SIMD8<Float> there). Written in C because clang contracts a * b + c into FMA
// instructions and hoists the constants; Swift's SIMD arithmetic does neither (2-4x slower).
#pragma once

typedef float rlr_float8 __attribute__((ext_vector_type(8)));
typedef int rlr_int8 __attribute__((ext_vector_type(8)));

/// `value` where `mask` lanes are set (-1), `x` elsewhere, for float vectors VF with int vectors VI.
#define RLR_SELECT(VF, VI, mask, value, x) ((VF)(((VI)(value) & (mask)) | ((VI)(x) & ~(mask))))

/// Defines `VF NAME(VF x)` = e^x (Cephes polynomial on the reduced argument, ~2 ulp) for float vectors
/// VF with int vectors VI of the same width; ATTRS are its attributes (a target for wider vectors).
/// Saturates to +inf above 88.72 and flushes to 0 below -87.3 (no denormals), so exp(-inf) is exactly
/// 0; NaN stays NaN.
#define RLR_DEFINE_EXP(NAME, VF, VI, ATTRS)                                                           \
    static inline ATTRS VF NAME(VF x) {                                                               \
        x = RLR_SELECT(VF, VI, x < -104.0f, (VF)(-104.0f), x);                                        \
        x = RLR_SELECT(VF, VI, x > 88.8f, (VF)(88.8f), x);                                            \
        const VF magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */               \
        VF n = (x * 1.44269504f + magic) - magic;                                                     \
        VF r = x - n * 0.693359375f;                                                                  \
        r = r + n * 2.12194440e-4f;                                                                   \
        VF p = 1.9875691500e-4f;                                                                      \
        p = p * r + 1.3981999507e-3f;                                                                 \
        p = p * r + 8.3334519073e-3f;                                                                 \
        p = p * r + 4.1665795894e-2f;                                                                 \
        p = p * r + 1.6666665459e-1f;                                                                 \
        p = p * r + 5.0000001201e-1f;                                                                 \
        VF poly = p * r * r + r + 1.0f;                                                               \
        /* 2^n as a float: biased exponent n + 127 clamped to [0, 255] (0 gives 0.0, 255 gives +inf). */ \
        VF biased = n + 127.0f;                                                                       \
        biased = RLR_SELECT(VF, VI, biased < 0.0f, (VF)0.0f, biased);                                 \
        biased = RLR_SELECT(VF, VI, biased > 255.0f, (VF)255.0f, biased);                             \
        VI bits = (VI)(biased + 8388608.0f) - 0x4B000000;                                             \
        return poly * (VF)(bits << 23);                                                               \
    }

/// e^x on 8 floats (see RLR_DEFINE_EXP).
RLR_DEFINE_EXP(rlr_exp8, rlr_float8, rlr_int8, __attribute__((always_inline)))

/// Defines `VF NAME(VF x)` = erf(x) (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7) on vectors VF/VI,
/// using EXP, an exponential defined by RLR_DEFINE_EXP for the same vectors.
#define RLR_DEFINE_ERF(NAME, EXP, VF, VI, ATTRS)                                                      \
    static inline ATTRS VF NAME(VF x) {                                                               \
        VI sign = (VI)x & (VI)0x80000000;                                                             \
        VF a = (VF)((VI)x & 0x7FFFFFFF);                                                              \
        VF t = 1.0f / (1.0f + 0.3275911f * a);                                                        \
        VF p = 1.061405429f;                                                                          \
        p = p * t - 1.453152027f;                                                                     \
        p = p * t + 1.421413741f;                                                                     \
        p = p * t - 0.284496736f;                                                                     \
        p = p * t + 0.254829592f;                                                                     \
        VF magnitude = 1.0f - p * t * EXP(-a * a);                                                    \
        return (VF)((VI)magnitude | sign);                                                            \
    }

/// The error function on 8 floats (see RLR_DEFINE_ERF).
RLR_DEFINE_ERF(rlr_erf8, rlr_exp8, rlr_float8, rlr_int8, __attribute__((always_inline)))

/// One Adam step's constants (Kernels' adamUpdate documents the formula).
typedef struct {
    float beta1, beta2, epsilon, weight_decay, learning_rate, step_size, correction2_root;
    int decoupled;
} rlr_adam_step;

/// Defines `void NAME(p, g, m, v, n, const rlr_adam_step *)`, one Adam step over n parameters in place,
/// WIDTH floats at a time in vectors VF (the last n % WIDTH in one zero-padded vector). Element by
/// element in a fixed order with contraction off, so every width gives the bits of the scalar formula.
#define RLR_DEFINE_ADAM(NAME, VF, WIDTH, ATTRS)                                                       \
    static inline __attribute__((always_inline)) ATTRS void NAME##_lanes(float *p, const float *g, float *m, float *v, \
                                                                         long lanes, const rlr_adam_step *s) { \
        _Pragma("clang fp contract(off)")                                                             \
        VF pv = 0, gv = 0, mv = 0, vv = 0;                                                            \
        __builtin_memcpy(&pv, p, lanes * sizeof(float));                                              \
        __builtin_memcpy(&gv, g, lanes * sizeof(float));                                              \
        __builtin_memcpy(&mv, m, lanes * sizeof(float));                                              \
        __builtin_memcpy(&vv, v, lanes * sizeof(float));                                              \
        if (s->weight_decay != 0) {                                                                   \
            if (s->decoupled) pv = pv * (1 - s->learning_rate * s->weight_decay);                    \
            else gv = gv + s->weight_decay * pv;                                                      \
        }                                                                                             \
        mv = mv * s->beta1 + (1 - s->beta1) * gv;                                                     \
        vv = vv * s->beta2 + (1 - s->beta2) * gv * gv;                                                \
        pv = pv - s->step_size * mv / (__builtin_elementwise_sqrt(vv) / s->correction2_root + s->epsilon); \
        __builtin_memcpy(p, &pv, lanes * sizeof(float));                                              \
        __builtin_memcpy(m, &mv, lanes * sizeof(float));                                              \
        __builtin_memcpy(v, &vv, lanes * sizeof(float));                                              \
    }                                                                                                 \
    ATTRS void NAME(float *p, const float *g, float *m, float *v, long n, const rlr_adam_step *s) {    \
        long i = 0;                                                                                   \
        for (; i + WIDTH <= n; i += WIDTH) NAME##_lanes(p + i, g + i, m + i, v + i, WIDTH, s);        \
        if (i < n) NAME##_lanes(p + i, g + i, m + i, v + i, n - i, s);                                \
    }

/// One Adam step over n parameters, 8 at a time (AVX2; see RLR_DEFINE_ADAM).
void rlr_adam_avx2(float *p, const float *g, float *m, float *v, long n, const rlr_adam_step *step);
