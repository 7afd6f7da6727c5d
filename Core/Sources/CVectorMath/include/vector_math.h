// exp and erf on 8 floats, as inline functions Swift imports and inlines into its loops
// (rlr_float8 is SIMD8<Float> there). Written in C because clang contracts a * b + c into FMA
// instructions and hoists the constants; Swift's SIMD arithmetic does neither (2-4x slower).
#pragma once

typedef float rlr_float8 __attribute__((ext_vector_type(8)));
typedef int rlr_int8 __attribute__((ext_vector_type(8)));

/// `value` where `mask` lanes are set (-1), `x` elsewhere.
static inline __attribute__((always_inline)) rlr_float8 rlr_select8(rlr_int8 mask, rlr_float8 value, rlr_float8 x) {
    return (rlr_float8)(((rlr_int8)value & mask) | ((rlr_int8)x & ~mask));
}

/// e^x (Cephes polynomial on the reduced argument, ~2 ulp). Saturates to +inf above 88.72 and
/// flushes to 0 below -87.3 (no denormals), so exp(-inf) is exactly 0; NaN stays NaN.
static inline __attribute__((always_inline)) rlr_float8 rlr_exp8(rlr_float8 x) {
    x = rlr_select8(x < -104.0f, (rlr_float8)(-104.0f), x);
    x = rlr_select8(x > 88.8f, (rlr_float8)(88.8f), x);
    const rlr_float8 magic = 12582912.0f;                 // 1.5 * 2^23: adding it rounds to an integer
    rlr_float8 n = (x * 1.44269504f + magic) - magic;
    rlr_float8 r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    rlr_float8 p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    rlr_float8 poly = p * r * r + r + 1.0f;
    // 2^n as a float: biased exponent n + 127 clamped to [0, 255] (0 gives 0.0, 255 gives +inf).
    rlr_float8 biased = n + 127.0f;
    biased = rlr_select8(biased < 0.0f, (rlr_float8)0.0f, biased);
    biased = rlr_select8(biased > 255.0f, (rlr_float8)255.0f, biased);
    rlr_int8 bits = (rlr_int8)(biased + 8388608.0f) - 0x4B000000;
    return poly * (rlr_float8)(bits << 23);
}

/// The error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
static inline __attribute__((always_inline)) rlr_float8 rlr_erf8(rlr_float8 x) {
    rlr_int8 sign = (rlr_int8)x & (rlr_int8)0x80000000;
    rlr_float8 a = (rlr_float8)((rlr_int8)x & 0x7FFFFFFF);
    rlr_float8 t = 1.0f / (1.0f + 0.3275911f * a);
    rlr_float8 p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    rlr_float8 magnitude = 1.0f - p * t * rlr_exp8(-a * a);
    return (rlr_float8)((rlr_int8)magnitude | sign);
}
