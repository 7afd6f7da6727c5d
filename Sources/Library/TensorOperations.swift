import Commands
import Tensors

/// `tensor …` operations for exploring tensors: slicing, movement, products, joins, reductions over
/// axes, elementwise functions, comparisons to masks and top-k. Errors name the shapes involved.
enum TensorOperations {
    static let input = ArgumentSpec("tensor", .tensor, help: "The input.")

    static let commands: [CommandSpec] = [
        CommandSpec(
            path: ["tensor", "slice"], abstract: "Indexes and slices a tensor with NumPy's notation: \"0, :, 2:5, ::2\".",
            discussion: "One entry per leading axis, separated by commas: an index i (the axis is dropped; negative counts from "
                + "the end) or a slice start:stop:step (each part optional, step > 0). Missing axes are kept whole.",
            arguments: [input, ArgumentSpec("spec", .string, help: "Indices and slices per axis, e.g. \"0, :, 2:5\".")],
            examples: ["tensor slice (tensor reshape (tensor arange 24) [2 3 4]) \"1, :, 1:3\""],
            run: { inv in .tensor(try slice(try inv.tensor("tensor"), spec: try inv.string("spec"))) }),
        CommandSpec(
            path: ["tensor", "transpose"], abstract: "Swaps two axes (the last two by default).",
            arguments: [input, ArgumentSpec("a", .int, default: .int(-2), help: "First axis."),
                        ArgumentSpec("b", .int, default: .int(-1), help: "Second axis.")],
            examples: ["tensor transpose (tensor zeros [2 3])"],
            run: { inv in
                let t = try inv.tensor("tensor")
                guard t.rank >= 2 else { throw CommandError.badArgument(name: "tensor", reason: "cannot transpose a tensor of shape \(t.shape)") }
                return .tensor(t.transposed(try axis(try inv.int("a"), of: t, "a"), try axis(try inv.int("b"), of: t, "b")).contiguous())
            }),
        CommandSpec(
            path: ["tensor", "permute"], abstract: "Reorders the axes: output axis i is input axis order[i].",
            arguments: [input, ArgumentSpec("order", .list(.int), help: "A permutation of the axes, e.g. [1 2 0].")],
            examples: ["tensor permute (tensor zeros [2 3 4]) [2 0 1]"],
            run: { inv in
                let t = try inv.tensor("tensor")
                let order = try inv.ints("order").map { try axis($0, of: t, "order") }
                guard order.count == t.rank, Set(order).count == t.rank else {
                    throw CommandError.badArgument(name: "order", reason: "\(try inv.ints("order")) is not a permutation of the \(t.rank) axes of \(t.shape)")
                }
                return .tensor(t.permuted(order).contiguous())
            }),
        CommandSpec(
            path: ["tensor", "matmul"], abstract: "Matrix product over the last two axes, batch axes broadcast ([.., M, K] x [.., K, N]).",
            discussion: "A 1-D left operand is a row vector, a 1-D right operand a column vector (as torch.matmul).",
            arguments: [ArgumentSpec("a", .tensor, help: "Left operand."), ArgumentSpec("b", .tensor, help: "Right operand.")],
            examples: ["tensor matmul (tensor ones [2 3]) (tensor ones [3 4])"],
            run: { inv in
                let (a, b) = (try inv.tensor("a"), try inv.tensor("b"))
                let (left, right) = (a.rank == 1 ? [1] + a.shape : a.shape, b.rank == 1 ? b.shape + [1] : b.shape)
                guard a.rank >= 1, b.rank >= 1, left[left.count - 1] == right[right.count - 2],
                      Tensor.broadcastShape(Array(left.dropLast(2)), Array(right.dropLast(2))) != nil else {
                    throw CommandError.badArgument(name: "b", reason: "cannot multiply \(a.shape) by \(b.shape)")
                }
                return .tensor(a.matmul(b))
            }),
        join("concat", abstract: "Joins tensors along an existing axis; the other axes must match.",
             example: "tensor concat (tensor zeros [2 3]) (tensor ones [1 3]) --axis 0") { tensors, a in
            let rank = tensors[0].rank
            guard rank > 0, a >= -rank, a < rank else { return nil }
            let axis = a < 0 ? a + rank : a
            guard tensors.allSatisfy({ t in t.rank == rank && (0..<rank).allSatisfy { $0 == axis || t.shape[$0] == tensors[0].shape[$0] } }) else {
                return nil
            }
            return Tensor.concatenate(tensors, axis: axis)
        },
        join("stack", abstract: "Joins tensors of one shape along a new axis.",
             example: "tensor stack (tensor zeros [2 3]) (tensor ones [2 3]) --axis -1") { tensors, a in
            let rank = tensors[0].rank
            guard tensors.allSatisfy({ $0.shape == tensors[0].shape }), a >= -(rank + 1), a <= rank else { return nil }
            return Tensor.stack(tensors, axis: a)
        },
        reduction("sum", "Sum", example: "tensor sum (tensor ones [2 3]) --axes 1") { $0.sum(axes: $1, keepDims: $2) },
        reduction("mean", "Mean", example: "tensor mean (tensor arange 6)") { $0.mean(axes: $1, keepDims: $2) },
        reduction("max", "Maximum", example: "tensor max (tensor reshape (tensor arange 6) [2 3]) --axes 0") { $0.max(axes: $1, keepDims: $2) },
        reduction("min", "Minimum", example: "tensor min (tensor reshape (tensor arange 6) [2 3]) --axes -1") { $0.min(axes: $1, keepDims: $2) },
        reduction("norm", "Euclidean (L2) norm", example: "tensor norm (tensor ones [4 2]) --axes 1") { ($0 * $0).sum(axes: $1, keepDims: $2).sqrt() },
        CommandSpec(
            path: ["tensor", "argmax"], abstract: "Index of the largest value (the first on ties): over all elements, or along an axis.",
            discussion: "Without --axis returns the flat index (an int); with it a tensor of indices with that axis removed.",
            arguments: [input],
            options: [OptionSpec("axis", .int, default: .nil, help: "The axis to search along (negative counts from the end).")],
            examples: ["tensor argmax (tensor reshape (tensor arange 6) [2 3]) --axis 1"],
            run: { inv in
                let t = try inv.tensor("tensor")
                guard t.count > 0 else { throw CommandError.badArgument(name: "tensor", reason: "argmax of an empty tensor \(t.shape)") }
                guard inv.has("axis") else { return .int(Int(t.reshaped([-1]).argmax(axis: 0).item)) }
                return .tensor(t.argmax(axis: try axis(try inv.int("axis"), of: t, "--axis")))
            }),
        CommandSpec(
            path: ["tensor", "topk"], abstract: "The k largest (or smallest) values along an axis and their indices.",
            discussion: "Returns {values, indices}: the axis is cut to k, sorted from the largest (from the smallest with "
                + "--smallest); ties keep the lower index first. Indices are float values, as argmax gives.",
            arguments: [input, ArgumentSpec("k", .int(1...), help: "How many values.")],
            options: [OptionSpec("axis", .int, default: .int(-1), help: "The axis (default the last)."),
                      OptionSpec("smallest", .bool, default: .bool(false), help: "The k smallest instead.")],
            examples: ["tensor topk (tensor arange 10) 3"],
            run: { inv in
                let t = try inv.tensor("tensor"), k = try inv.int("k")
                let a = try axis(try inv.int("axis"), of: t, "--axis")
                guard k <= t.shape[a] else {
                    throw CommandError.badArgument(name: "k", reason: "\(k) is more than the \(t.shape[a]) values along axis \(a) of \(t.shape)")
                }
                let (values, indices) = topK(t, k: k, axis: a, smallest: try inv.bool("smallest"))
                return .record(Record([("values", .tensor(values)), ("indices", .tensor(indices))]))
            }),
        unary("abs", "Absolute value", example: "tensor abs (tensor arange 3 --start -3)") { $0.abs() },
        unary("sqrt", "Square root (NaN below 0)", example: "tensor sqrt (tensor arange 5)") { $0.sqrt() },
        unary("exp", "Exponential", example: "tensor exp (tensor zeros 2)") { $0.exp() },
        unary("log", "Natural logarithm (-inf at 0, NaN below)", example: "tensor log (tensor ones 2)") { $0.log() },
        CommandSpec(
            path: ["tensor", "pow"], abstract: "Each element raised to a power.",
            arguments: [input, ArgumentSpec("exponent", .double, help: "The power.")],
            examples: ["tensor pow (tensor arange 4) 2"],
            run: { inv in .tensor(try inv.tensor("tensor").pow(Float(try inv.double("exponent")))) }),
        CommandSpec(
            path: ["tensor", "clamp"], abstract: "Limits every element to [--min, --max].",
            arguments: [input],
            options: [OptionSpec("min", .double, default: .nil, help: "Lower bound."), OptionSpec("max", .double, default: .nil, help: "Upper bound.")],
            examples: ["tensor clamp (tensor arange 6) --min 1 --max 4"],
            validate: { inv in
                guard inv.has("min") || inv.has("max") else { throw CommandError.badArgument(name: "--min", reason: "give --min, --max or both") }
                if inv.has("min"), inv.has("max"), try inv.double("min") > inv.double("max") {
                    throw CommandError.badArgument(name: "--max", reason: "\(try inv.double("max")) is below --min \(try inv.double("min"))")
                }
            },
            run: { inv in
                .tensor(try inv.tensor("tensor").clamped(min: inv.has("min") ? Float(try inv.double("min")) : nil,
                                                         max: inv.has("max") ? Float(try inv.double("max")) : nil))
            }),
        CommandSpec(
            path: ["tensor", "compare"], abstract: "A 0/1 mask: 1 where `a OP b` holds (lt le gt ge eq ne), broadcasting.",
            arguments: [ArgumentSpec("a", .tensor, help: "Left operand."),
                        ArgumentSpec("op", .choice(["lt", "le", "gt", "ge", "eq", "ne"]), help: "The comparison."),
                        ArgumentSpec("b", .tensor, help: "Right operand (a tensor or a number).")],
            examples: ["tensor compare (tensor arange 5) gt 2"],
            run: { inv in
                let (a, b) = (try inv.tensor("a"), try inv.tensor("b"))
                guard Tensor.broadcastShape(a.shape, b.shape) != nil else {
                    throw CommandError.badArgument(name: "b", reason: "shapes \(a.shape) and \(b.shape) do not broadcast")
                }
                switch try inv.string("op") {
                case "lt": return .tensor(a .< b)
                case "le": return .tensor(a .<= b)
                case "gt": return .tensor(a .> b)
                case "ge": return .tensor(a .>= b)
                case "eq": return .tensor(a .== b)
                default: return .tensor(a .!= b)
                }
            }),
    ]

    /// `axis` of `t` counted from the front (negative counts from the end), or an error naming the shape.
    static func axis(_ axis: Int, of t: Tensor, _ argument: String) throws -> Int {
        guard axis >= -t.rank, axis < t.rank else {
            throw CommandError.badArgument(name: argument, reason: "axis \(axis) is out of range for shape \(t.shape)")
        }
        return axis < 0 ? axis + t.rank : axis
    }

    /// A reduction over --axes (all when absent); a full reduction without --keep-dims gives a number.
    static func reduction(_ verb: String, _ what: String, example: String,
                          _ reduce: @escaping @Sendable (Tensor, [Int]?, Bool) -> Tensor) -> CommandSpec {
        CommandSpec(
            path: ["tensor", verb], abstract: "\(what) over all elements or over some axes.",
            arguments: [input],
            options: [
                OptionSpec("axes", .list(.int), default: .nil, help: "Axes to reduce (negative count from the end); all when absent."),
                OptionSpec("keep-dims", .bool, default: .bool(false), help: "Keep reduced axes with size 1."),
            ],
            examples: [example],
            run: { inv in
                let t = try inv.tensor("tensor"), keep = try inv.bool("keep-dims")
                guard inv.has("axes") else {
                    guard t.count > 0 || verb == "sum" else { throw CommandError.badArgument(name: "tensor", reason: "\(verb) of an empty tensor \(t.shape)") }
                    let total = reduce(t, nil, keep)
                    return keep ? .tensor(total) : .float(total.item)
                }
                let axes = try inv.ints("axes").map { a -> Int in
                    guard a >= -Swift.max(t.rank, 1), a < Swift.max(t.rank, 1) else {
                        throw CommandError.badArgument(name: "--axes", reason: "axis \(a) is out of range for shape \(t.shape)")
                    }
                    return a < 0 ? a + Swift.max(t.rank, 1) : a
                }
                guard Set(axes).count == axes.count else { throw CommandError.badArgument(name: "--axes", reason: "\(axes) repeats an axis") }
                return .tensor(reduce(t, axes, keep))
            })
    }

    /// An elementwise function.
    static func unary(_ verb: String, _ what: String, example: String, _ apply: @escaping @Sendable (Tensor) -> Tensor) -> CommandSpec {
        CommandSpec(path: ["tensor", verb], abstract: "\(what) of every element.", arguments: [input], examples: [example],
                    run: { inv in .tensor(apply(try inv.tensor("tensor"))) })
    }

    /// concat / stack: tensors given as arguments, joined along --axis; `join` returns nil when the shapes do not fit.
    static func join(_ verb: String, abstract: String, example: String,
                     _ join: @escaping @Sendable ([Tensor], Int) -> Tensor?) -> CommandSpec {
        CommandSpec(
            path: ["tensor", verb], abstract: abstract,
            arguments: [ArgumentSpec("tensors", .tensor, variadic: true, help: "The tensors, in order.")],
            options: [OptionSpec("axis", .int, default: .int(0), help: "The axis (negative counts from the end).")],
            examples: [example],
            run: { inv in
                let tensors = try inv.list("tensors").compactMap { value -> Tensor? in if case .tensor(let t) = value { t } else { nil } }
                guard !tensors.isEmpty else { throw CommandError.badArgument(name: "tensors", reason: "give at least one tensor") }
                let a = try inv.int("axis")
                guard let joined = join(tensors, a) else {
                    throw CommandError.badArgument(name: "tensors", reason: "cannot \(verb) shapes "
                                                   + tensors.map { "\($0.shape)" }.joined(separator: ", ") + " along axis \(a)")
                }
                return .tensor(joined)
            })
    }

    /// `t` indexed by a NumPy-style spec ("0, :, 2:5, ::2").
    static func slice(_ t: Tensor, spec: String) throws -> Tensor {
        func fail(_ reason: String) -> CommandError { .badArgument(name: "spec", reason: "\(reason) (tensor of shape \(t.shape))") }
        let entries = spec.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard entries.count <= t.rank else { throw fail("'\(spec)' indexes \(entries.count) axes") }
        var result = t, dropped: [Int] = []
        for (a, entry) in entries.enumerated() {
            let size = t.shape[a]
            if !entry.contains(":") {
                guard let i = Int(entry) else { throw fail("'\(entry)' is not an index or a slice") }
                guard i >= -size, i < size else { throw fail("index \(i) is out of range for axis \(a) of size \(size)") }
                let index = i < 0 ? i + size : i
                result = result.sliced(axis: a, index..<(index + 1))
                dropped.append(a)
                continue
            }
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count <= 3 else { throw fail("'\(entry)' has more than start:stop:step") }
            func bound(_ text: String, _ fallback: Int) throws -> Int {
                guard !text.isEmpty else { return fallback }
                guard let v = Int(text) else { throw fail("'\(text)' in '\(entry)' is not an integer") }
                return Swift.min(Swift.max(v < 0 ? v + size : v, 0), size)
            }
            let step = parts.count == 3 && !parts[2].isEmpty ? Int(parts[2]) : 1
            guard let step, step > 0 else { throw fail("the step in '\(entry)' must be a positive integer") }
            let start = try bound(parts[0], 0), stop = Swift.max(try bound(parts[1], size), start)
            result = result.sliced(axis: a, start..<stop, step: step)
        }
        for a in dropped.reversed() { result = result.squeezed(a) }
        return result.contiguous()
    }

    /// The k largest (smallest) values along `axis` and their indices, ties in index order.
    static func topK(_ t: Tensor, k: Int, axis a: Int, smallest: Bool) -> (values: Tensor, indices: Tensor) {
        let moved = t.transposed(a, t.rank - 1).contiguous()
        let length = moved.shape[moved.rank - 1], rows = moved.count / Swift.max(length, 1)
        let data = moved.toArray()
        var values = [Float](), indices = [Float]()
        values.reserveCapacity(rows * k); indices.reserveCapacity(rows * k)
        for r in 0..<rows {
            let row = data[(r * length)..<((r + 1) * length)]
            let order = row.indices.sorted { i, j in
                let (x, y) = (row[i], row[j])
                return x == y ? i < j : (smallest ? x < y : x > y)
            }
            for i in order.prefix(k) { values.append(row[i]); indices.append(Float(i - r * length)) }
        }
        let shape = Array(moved.shape.dropLast()) + [k]
        func back(_ data: [Float]) -> Tensor { Tensor(shape: shape, data: data).transposed(a, t.rank - 1).contiguous() }
        return (back(values), back(indices))
    }
}
