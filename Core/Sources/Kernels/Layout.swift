/// Transposes a row-major `[rows, columns]` matrix into `[columns, rows]` (e.g. channels-last `[P, C]`
/// pixels into channel planes `[C, P]`), in cache-sized blocks.
public func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int, into destination: UnsafeMutablePointer<Float>) {
    let block = 32
    var r0 = 0
    while r0 < rows {
        let r1 = min(rows, r0 + block)
        var c0 = 0
        while c0 < columns {
            let c1 = min(columns, c0 + block)
            for r in r0..<r1 {
                let line = source + r * columns
                for c in c0..<c1 { destination[c * rows + r] = line[c] }
            }
            c0 = c1
        }
        r0 = r1
    }
}
