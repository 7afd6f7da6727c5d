import Glibc

/// Which variants of the hot kernels run: the AVX-512 ones (C in CVectorMath, compiled for AVX-512
/// whatever the build targets) where the CPU has AVX-512, the AVX2+FMA ones the build targets
/// elsewhere. Decided once, from `CPU.current`; `RLR_KERNELS=avx2` keeps the AVX2 ones (A/B timings).
public enum KernelVariants {
    /// Whether the AVX-512 variants run (tests switch it to compare both on one machine).
    nonisolated(unsafe) public static var avx512: Bool = available && getenv("RLR_KERNELS").map { String(cString: $0) } != "avx2"

    /// Whether this CPU can run the AVX-512 variants at all.
    public static let available = CPU.current.level == .avx512

    /// "AVX-512 (F/BW/DQ/VL)" or "AVX2+FMA": what the variant kernels use, for `rlr doctor`.
    public static var description: String { avx512 ? "AVX-512 (F/BW/DQ/VL)" : "AVX2+FMA" }
}
