// The CPU's identification and feature words (cpuid) and the register state the OS saves (xgetbv),
// read raw; Kernels/CPU.swift decodes them.
#pragma once
#include <stdint.h>

/// cpuid leaf `leaf`, sub-leaf `subleaf` into out[0..3] = eax, ebx, ecx, edx (zeros off x86-64).
static inline void rlr_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(subleaf));
    out[0] = a; out[1] = b; out[2] = c; out[3] = d;
#else
    out[0] = out[1] = out[2] = out[3] = 0;
#endif
}

/// XCR0, the register state the OS saves on context switches; 0 unless cpuid reports OSXSAVE
/// (leaf 1, ecx bit 27), since xgetbv faults otherwise.
static inline uint64_t rlr_xcr0(void) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t r[4];
    rlr_cpuid(1, 0, r);
    if (!(r[2] & (1u << 27))) return 0;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}
