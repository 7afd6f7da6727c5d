/// Maps a Float score to a UInt32 whose ascending order is the score's descending order.
///
/// -0 and +0 map to the same key (they are equal scores); NaN must be rejected before.
enum ScoreKey {
    @inline(__always)
    static func descending(_ score: Float) -> UInt32 {
        let bits = (score + 0).bitPattern  // -0 + 0 == +0
        let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
        return ~ascending
    }

    @inline(__always)
    static func score(_ key: UInt32) -> Float {
        let ascending = ~key
        let bits = ascending & 0x8000_0000 != 0 ? ascending & 0x7FFF_FFFF : ~ascending
        return Float(bitPattern: bits)
    }
}
