import CVectorMath

/// The processor rlr runs on, from cpuid: vendor, model and the instruction-set extensions that both
/// the CPU implements and the OS enables (xgetbv: the OS must save the wider registers).
public struct CPU: Sendable, Equatable {
    /// Instruction-set extensions rlr and its BLAS care about.
    public enum Feature: String, CaseIterable, Sendable {
        case sse3, ssse3, sse41 = "sse4.1", sse42 = "sse4.2", avx, fma, f16c, avx2
        case avx512f, avx512cd, avx512bw, avx512dq, avx512vl, avx512bf16 = "avx512_bf16", avx512fp16 = "avx512_fp16"
        case amxTile = "amx_tile", amxBF16 = "amx_bf16", amxInt8 = "amx_int8"
    }

    /// The widest vector code a CPU runs, ordered.
    public enum Level: Int, Comparable, Sendable, CustomStringConvertible {
        case sse = 0, avx, avx2, avx512

        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public var description: String { ["SSE", "AVX", "AVX2+FMA", "AVX-512"][rawValue] }
    }

    /// The cpuid leaves and XCR0 as read, so decoding is testable with other CPUs' values.
    public struct Registers: Sendable, Equatable {
        /// Leaf 0 (vendor, highest leaf), 1 (signature, features), 7.0 and 7.1 (extended features), each [eax, ebx, ecx, edx].
        public var leaf0: [UInt32], leaf1: [UInt32], leaf7: [UInt32], leaf7s1: [UInt32]
        /// Leaves 0x80000002-4 concatenated (the brand string), empty when absent.
        public var brand: [UInt32]
        /// XCR0 (0 when the OS does not enable xsave).
        public var xcr0: UInt64

        public init(leaf0: [UInt32], leaf1: [UInt32], leaf7: [UInt32], leaf7s1: [UInt32], brand: [UInt32], xcr0: UInt64) {
            (self.leaf0, self.leaf1, self.leaf7, self.leaf7s1, self.brand, self.xcr0) = (leaf0, leaf1, leaf7, leaf7s1, brand, xcr0)
        }

        /// This machine's registers.
        public static func read() -> Registers {
            func leaf(_ n: UInt32, _ sub: UInt32 = 0) -> [UInt32] {
                var out: [UInt32] = [0, 0, 0, 0]
                out.withUnsafeMutableBufferPointer { rlr_cpuid(n, sub, $0.baseAddress) }
                return out
            }
            let l0 = leaf(0), l7 = l0[0] >= 7 ? leaf(7) : [0, 0, 0, 0]
            let brand = leaf(0x8000_0000)[0] >= 0x8000_0004 ? (0x8000_0002...0x8000_0004).flatMap { leaf(UInt32($0)) } : []
            return Registers(leaf0: l0, leaf1: l0[0] >= 1 ? leaf(1) : [0, 0, 0, 0], leaf7: l7,
                             leaf7s1: l7[0] >= 1 ? leaf(7, 1) : [0, 0, 0, 0], brand: brand, xcr0: rlr_xcr0())
        }
    }

    public var vendor: String
    public var brand: String
    public var family: Int, model: Int, stepping: Int
    /// Extensions the CPU has and the OS enables.
    public var features: Set<Feature>
    /// Extensions the CPU has but the OS does not enable (their registers are not saved): unusable.
    public var disabledByOS: Set<Feature>

    /// The CPU this process runs on.
    public static let current = CPU(Registers.read())

    /// Decodes cpuid leaves (Intel SDM vol. 2A "CPUID", AMD APM vol. 3).
    public init(_ r: Registers) {
        func text(_ words: [UInt32]) -> String {
            let bytes = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingSpaces()
        }
        vendor = text([r.leaf0[1], r.leaf0[3], r.leaf0[2]])
        brand = text(r.brand)
        let eax = r.leaf1[0]
        let baseFamily = Int(eax >> 8 & 0xF), baseModel = Int(eax >> 4 & 0xF)
        family = baseFamily == 0xF ? baseFamily + Int(eax >> 20 & 0xFF) : baseFamily
        model = baseFamily == 0xF || baseFamily == 6 ? baseModel + Int(eax >> 16 & 0xF) << 4 : baseModel
        stepping = Int(eax & 0xF)

        func bit(_ word: UInt32, _ n: Int) -> Bool { word >> n & 1 == 1 }
        let (ecx1, ebx7, edx7, eax7s1) = (r.leaf1[2], r.leaf7[1], r.leaf7[3], r.leaf7s1[0])
        let present: [(Feature, Bool)] = [
            (.sse3, bit(ecx1, 0)), (.ssse3, bit(ecx1, 9)), (.fma, bit(ecx1, 12)), (.sse41, bit(ecx1, 19)),
            (.sse42, bit(ecx1, 20)), (.avx, bit(ecx1, 28)), (.f16c, bit(ecx1, 29)), (.avx2, bit(ebx7, 5)),
            (.avx512f, bit(ebx7, 16)), (.avx512dq, bit(ebx7, 17)), (.avx512cd, bit(ebx7, 28)), (.avx512bw, bit(ebx7, 30)),
            (.avx512vl, bit(ebx7, 31)), (.avx512bf16, bit(eax7s1, 5)), (.avx512fp16, bit(edx7, 23)),
            (.amxBF16, bit(edx7, 22)), (.amxTile, bit(edx7, 24)), (.amxInt8, bit(edx7, 25)),
        ]
        // XCR0: bits 1-2 SSE/AVX state, 5-7 opmask and ZMM state, 17-18 tile state.
        let osAVX = r.xcr0 & 0x6 == 0x6, osAVX512 = osAVX && r.xcr0 & 0xE0 == 0xE0, osAMX = r.xcr0 & 0x6_0000 == 0x6_0000
        func enabled(_ f: Feature) -> Bool {
            switch f {
            case .sse3, .ssse3, .sse41, .sse42: return true
            case .avx, .fma, .f16c, .avx2: return osAVX
            case .avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl, .avx512bf16, .avx512fp16: return osAVX512
            case .amxTile, .amxBF16, .amxInt8: return osAMX
            }
        }
        features = Set(present.filter { $0.1 && enabled($0.0) }.map(\.0))
        disabledByOS = Set(present.filter { $0.1 && !enabled($0.0) }.map(\.0))
    }

    public func has(_ feature: Feature) -> Bool { features.contains(feature) }

    /// The widest vector code this CPU runs: AVX-512 needs F, CD, BW, DQ and VL (the Skylake-SP set
    /// every AVX-512 kernel here and in OpenBLAS assumes).
    public var level: Level {
        if [.avx512f, .avx512cd, .avx512bw, .avx512dq, .avx512vl].allSatisfy(has) { return .avx512 }
        if has(.avx2) && has(.fma) { return .avx2 }
        return has(.avx) ? .avx : .sse
    }

    /// "AuthenticAMD family 25 model 17 stepping 1".
    public var signature: String { "\(vendor) family \(family) model \(model) stepping \(stepping)" }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
