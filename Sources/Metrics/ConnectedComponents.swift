/// 8-connected components of a binary mask (the ground-truth regions of AUPRO).
enum ConnectedComponents {
    /// Labels the nonzero pixels of `mask` [H, W]: `labels` [H, W] holds 0 for background and
    /// 1...areas.count for the components in raster order of their first pixel; `areas[k - 1]` is
    /// the pixel count of component k.
    static func label(mask: UnsafeBufferPointer<UInt8>, height: Int, width: Int) -> (labels: [UInt32], areas: [Int]) {
        var labels = [UInt32](repeating: 0, count: height * width)
        var areas: [Int] = []
        var stack: [Int] = []
        for seed in 0..<(height * width) where mask[seed] != 0 && labels[seed] == 0 {
            let component = UInt32(areas.count + 1)
            var area = 0
            labels[seed] = component
            stack.append(seed)
            while let pixel = stack.popLast() {
                area += 1
                let row = pixel / width, column = pixel % width
                for neighbourRow in max(0, row - 1)...min(height - 1, row + 1) {
                    for neighbourColumn in max(0, column - 1)...min(width - 1, column + 1) {
                        let neighbour = neighbourRow * width + neighbourColumn
                        if mask[neighbour] != 0 && labels[neighbour] == 0 {
                            labels[neighbour] = component
                            stack.append(neighbour)
                        }
                    }
                }
            }
            areas.append(area)
        }
        return (labels, areas)
    }
}
