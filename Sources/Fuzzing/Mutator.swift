import Kernels

/// Seeded byte-level mutations (in the spirit of libFuzzer's): bit flips, byte and integer
/// overwrites with boundary values, inserts, deletes, duplication, splicing with another input,
/// truncation, and replacing a run of ASCII digits with a huge or negative number (the headers of
/// npy, safetensors, pickles and scripts hold their sizes as text).
struct Mutator {
    var generator: RandomGenerator
    let maximumLength: Int

    init(seed: UInt64, maximumLength: Int) {
        generator = RandomGenerator(seed: seed)
        self.maximumLength = maximumLength
    }

    private static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x20, 0x0A, 0x22, 0x2C, 0x7B, 0x5B, 0x3A, 0x2D]
    private static let interestingIntegers: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF,
                                                        1 << 32, 1 << 40, 0x7FFF_FFFF_FFFF_FFFF, UInt64.max, UInt64.max - 7]
    private static let numbers = ["1099511627776", "-1", "0", "9223372036854775807", "18446744073709551616",
                                  "4294967296", "65536", "-9223372036854775808", "1e308", "99999999999999999999"]

    mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(Swift.max(n, 1))) }

    /// A mutated copy of `input` (1 to 4 mutations); `other` is a second corpus entry for splicing.
    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) { apply(&bytes, other: other) }
        if bytes.count > maximumLength { bytes.removeLast(bytes.count - maximumLength) }
        return bytes
    }

    private mutating func apply(_ bytes: inout [UInt8], other: [UInt8]) {
        let n = bytes.count
        switch below(11) {
        case 0 where n > 0: bytes[below(n)] ^= UInt8(1) << UInt8(below(8))
        case 1 where n > 0: bytes[below(n)] = UInt8(truncatingIfNeeded: generator.next())
        case 2 where n > 0: bytes[below(n)] = Mutator.interestingBytes[below(Mutator.interestingBytes.count)]
        case 3 where n >= 8:
            let width = [2, 4, 8][below(3)], at = below(n - width + 1)
            let value = Mutator.interestingIntegers[below(Mutator.interestingIntegers.count)]
            for i in 0..<width { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        case 4:
            let count = 1 + below(8)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: below(n + 1))
        case 5 where n > 1:
            let at = below(n), count = 1 + below(Swift.min(n - at, 16))
            bytes.removeSubrange(at..<(at + count))
        case 6 where n > 1:
            let at = below(n), count = 1 + below(Swift.min(n - at, 32))
            bytes.insert(contentsOf: bytes[at..<(at + count)], at: below(n + 1))
        case 7 where !other.isEmpty:
            let cut = below(n + 1), from = below(other.count)
            bytes = Array(bytes[..<cut]) + other[from...]
        case 8 where n > 1: bytes.removeLast(below(n))
        case 9: replaceNumber(&bytes)
        default:
            if n > 0 { bytes[below(n)] = UInt8(0x20 + below(95)) }   // a printable character
        }
    }

    /// Replaces a run of ASCII digits (or inserts at random) with a boundary number.
    private mutating func replaceNumber(_ bytes: inout [UInt8]) {
        let digits = bytes.indices.filter { (0x30...0x39).contains(bytes[$0]) && ($0 == 0 || !(0x30...0x39).contains(bytes[$0 - 1])) }
        let number = Array(Mutator.numbers[below(Mutator.numbers.count)].utf8)
        guard !digits.isEmpty else { bytes.insert(contentsOf: number, at: below(bytes.count + 1)); return }
        let start = digits[below(digits.count)]
        var end = start
        while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
        bytes.replaceSubrange(start..<end, with: number)
    }
}
