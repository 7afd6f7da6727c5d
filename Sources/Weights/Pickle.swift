import Foundation
import Tensors

/// A value built by `RestrictedUnpickler`.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int` (little-endian two's complement bytes), e.g. the torch magic number.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes(Data)
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// One of the allow-listed globals.
    case global(PickleGlobal)
    /// A storage returned by the persistent-id hook.
    case storage(StorageReference)
    case tensor(TensorReference)
}

/// A list shared through the memo (pickles mutate lists after memoising them).
final class PickleList {
    var items: [PickleValue] = []
}

/// An insertion-ordered dictionary with string keys (what a state dict is).
final class PickleDict {
    private(set) var keys: [String] = []
    private(set) var values: [String: PickleValue] = [:]

    func set(_ key: String, _ value: PickleValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    func removeAll() { keys = []; values = [:] }
}

/// Every list and dict an unpickler built. A crafted pickle can make one contain itself (a list appended to
/// itself), which reference counting never frees; `release` empties them all once their values have been read.
final class PickleContainers {
    private var lists: [PickleList] = []
    private var dicts: [PickleDict] = []

    func list() -> PickleList {
        let list = PickleList()
        lists.append(list)
        return list
    }

    func dict() -> PickleDict {
        let dict = PickleDict()
        dicts.append(dict)
        return dict
    }

    func release() {
        for list in lists { list.items = [] }
        for dict in dicts { dict.removeAll() }
        lists = []; dicts = []
    }
}

/// The only globals a state dict needs. Everything else is refused: in Python, unpickling a global
/// can call arbitrary code, and this reader never calls out to names it does not know.
enum PickleGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildParameter
    case storageType(ScalarType)

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch", _):
            guard let type = ScalarType(torchStorage: name) else { return nil }
            self = .storageType(type)
        default: return nil
        }
    }
}

/// A torch storage: `count` elements of `type` found under `key` (zip entry or legacy record).
struct StorageReference {
    let key: String
    let type: ScalarType
    let count: Int
}

/// A strided view of a storage, as pickled by `torch._utils._rebuild_tensor_v2`.
struct TensorReference {
    let storage: StorageReference
    let offset: Int
    let shape: [Int]
    let strides: [Int]
}

/// A pickle interpreter restricted to what torch state dicts use (protocols 2-5 opcodes for
/// containers, numbers, strings, memo, persistent ids and an allow-list of globals).
struct RestrictedUnpickler {
    let path: String
    private let bytes: [UInt8]
    private(set) var position: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private let persistentLoad: (PickleValue) throws -> PickleValue
    private let containers = PickleContainers()

    /// Prepares to read the pickle starting at `offset` of `bytes`.
    init(bytes: [UInt8], offset: Int = 0, path: String, persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        self.bytes = bytes
        self.position = offset
        self.path = path
        self.persistentLoad = persistentLoad
    }

    /// Empties every list and dict `load` built, so that values a crafted pickle made contain themselves are
    /// freed too; call it when done with what `load` returned.
    func releaseValues() { containers.release() }

    /// Runs the pickle up to its STOP opcode and returns the value; `position` is then just past STOP.
    mutating func load() throws -> PickleValue {
        stack = []; marks = []; memo = [:]
        while true {
            let opcodeOffset = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                       // PROTO
            case 0x95: position += 8                                        // FRAME (protocol 4)
            case 0x2e:                                                      // STOP
                guard let value = stack.popLast() else { throw malformed("STOP on an empty stack", opcodeOffset) }
                return value
            case 0x28: marks.append(stack.count)                            // MARK
            case 0x30: _ = try pop(opcodeOffset)                            // POP
            case 0x31: _ = try popMark(opcodeOffset)                        // POP_MARK
            case 0x32: stack.append(try top(opcodeOffset))                  // DUP
            case 0x4e: stack.append(.none)                                  // NONE
            case 0x88: stack.append(.bool(true))                            // NEWTRUE
            case 0x89: stack.append(.bool(false))                           // NEWFALSE
            case 0x4a: stack.append(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))  // BININT
            case 0x4b: stack.append(.int(Int(try unsigned(1))))             // BININT1
            case 0x4d: stack.append(.int(Int(try unsigned(2))))             // BININT2
            case 0x8a: stack.append(try long(Int(try unsigned(1))))         // LONG1
            case 0x8b: stack.append(try long(Int(try unsigned(4))))         // LONG4
            case 0x47:                                                      // BINFLOAT (big-endian)
                stack.append(.float(Double(bitPattern: try bigEndian(8))))
            case 0x58: stack.append(.string(try utf8(Int(try unsigned(4))))) // BINUNICODE
            case 0x8c: stack.append(.string(try utf8(Int(try unsigned(1))))) // SHORT_BINUNICODE
            case 0x8d: stack.append(.string(try utf8(try length(8)))) // BINUNICODE8
            case 0x55: stack.append(.string(try utf8(Int(try unsigned(1))))) // SHORT_BINSTRING
            case 0x54: stack.append(.string(try utf8(Int(try unsigned(4))))) // BINSTRING
            case 0x43: stack.append(.bytes(Data(try take(Int(try unsigned(1))))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Data(try take(Int(try unsigned(4))))))  // BINBYTES
            case 0x29: stack.append(.tuple([]))                             // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark(opcodeOffset)))      // TUPLE
            case 0x85, 0x86, 0x87:                                          // TUPLE1, TUPLE2, TUPLE3
                let n = Int(opcode - 0x84)
                guard stack.count >= n else { throw malformed("TUPLE\(n) on a short stack", opcodeOffset) }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(.tuple(items))
            case 0x5d: stack.append(.list(containers.list()))               // EMPTY_LIST
            case 0x6c:                                                      // LIST
                let list = containers.list()
                list.items = try popMark(opcodeOffset)
                stack.append(.list(list))
            case 0x61:                                                      // APPEND
                let item = try pop(opcodeOffset)
                try list(at: opcodeOffset).items.append(item)
            case 0x65:                                                      // APPENDS
                let items = try popMark(opcodeOffset)
                try list(at: opcodeOffset).items.append(contentsOf: items)
            case 0x7d: stack.append(.dict(containers.dict()))               // EMPTY_DICT
            case 0x64:                                                      // DICT
                let dict = containers.dict()
                try setItems(try popMark(opcodeOffset), into: dict, at: opcodeOffset)
                stack.append(.dict(dict))
            case 0x73:                                                      // SETITEM
                let value = try pop(opcodeOffset), key = try pop(opcodeOffset)
                try setItems([key, value], into: try dict(at: opcodeOffset), at: opcodeOffset)
            case 0x75:                                                      // SETITEMS
                let items = try popMark(opcodeOffset)
                try setItems(items, into: try dict(at: opcodeOffset), at: opcodeOffset)
            case 0x71: memo[Int(try unsigned(1))] = try top(opcodeOffset)   // BINPUT
            case 0x72: memo[Int(try unsigned(4))] = try top(opcodeOffset)   // LONG_BINPUT
            case 0x94: memo[memo.count] = try top(opcodeOffset)             // MEMOIZE
            case 0x68: stack.append(try memoized(Int(try unsigned(1)), opcodeOffset))  // BINGET
            case 0x6a: stack.append(try memoized(Int(try unsigned(4)), opcodeOffset))  // LONG_BINGET
            case 0x63:                                                      // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                stack.append(.global(try allowedGlobal(module, name, opcodeOffset)))
            case 0x93:                                                      // STACK_GLOBAL
                let name = try pop(opcodeOffset), module = try pop(opcodeOffset)
                guard case .string(let n) = name, case .string(let m) = module else {
                    throw malformed("STACK_GLOBAL needs two strings", opcodeOffset)
                }
                stack.append(.global(try allowedGlobal(m, n, opcodeOffset)))
            case 0x52:                                                      // REDUCE
                let arguments = try pop(opcodeOffset), callable = try pop(opcodeOffset)
                stack.append(try call(callable, arguments, opcodeOffset))
            case 0x62:                                                      // BUILD
                // Only state dicts' OrderedDict `_metadata` attribute is expected; it is dropped.
                _ = try pop(opcodeOffset)
                guard case .dict = try top(opcodeOffset) else {
                    throw WeightsError(.refused, path, "pickle BUILD at byte \(opcodeOffset) sets state on an object that is not a dict")
                }
            case 0x51:                                                      // BINPERSID
                stack.append(try persistentLoad(try pop(opcodeOffset)))
            default:
                throw WeightsError(.unsupported, path, String(format: "pickle opcode 0x%02x at byte %d is not supported by this restricted reader", opcode, opcodeOffset))
            }
        }
    }

    // MARK: Calls of allow-listed globals

    private func call(_ callable: PickleValue, _ arguments: PickleValue, _ offset: Int) throws -> PickleValue {
        guard case .global(let global) = callable, case .tuple(let args) = arguments else {
            throw malformed("REDUCE needs an allowed global and an argument tuple", offset)
        }
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw malformed("OrderedDict with arguments", offset) }
            return .dict(containers.dict())
        case .rebuildTensorV2:
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let storageOffset) = args[1],
                  case .tuple(let size) = args[2], case .tuple(let stride) = args[3] else {
                throw malformed("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)", offset)
            }
            let shape = try size.map { try integer($0, offset) }
            let strides = try stride.map { try integer($0, offset) }
            guard shape.count == strides.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw malformed("tensor size \(shape) and stride \(strides) disagree", offset)
            }
            // The furthest element must lie inside the storage.
            // The last element's index, with overflow as an error: offset + sum((size - 1) * stride).
            var extent: Int? = storageOffset
            for (size, stride) in zip(shape, strides) where size > 0 {
                extent = extent.flatMap { e in SizeArithmetic.product(size - 1, stride).flatMap { SizeArithmetic.sum(e, $0) } }
            }
            guard let count = SizeArithmetic.elementCount(shape), let extent else {
                throw malformed("tensor size \(shape) and stride \(strides) overflow", offset)
            }
            if count > 0, storageOffset < 0 || extent >= storage.count || strides.contains(where: { $0 < 0 }) {
                throw malformed("tensor view (offset \(storageOffset), size \(shape), stride \(strides)) reaches outside its storage of \(storage.count) elements", offset)
            }
            return .tensor(TensorReference(storage: storage, offset: storageOffset, shape: shape, strides: strides))
        case .rebuildParameter:
            guard let tensor = args.first, case .tensor = tensor else { throw malformed("_rebuild_parameter without a tensor", offset) }
            return tensor
        case .storageType:
            throw WeightsError(.refused, path, "pickle at byte \(offset) calls a storage class directly")
        }
    }

    private func allowedGlobal(_ module: String, _ name: String, _ offset: Int) throws -> PickleGlobal {
        guard let global = PickleGlobal(module: module, name: name) else {
            throw WeightsError(.refused, path, "pickle at byte \(offset) names the global \(module).\(name), which a state dict never needs; refusing to load it (it could run code when unpickled by Python)")
        }
        return global
    }

    // MARK: Stack and memo helpers

    private func integer(_ value: PickleValue, _ offset: Int) throws -> Int {
        guard case .int(let v) = value else { throw malformed("expected an integer", offset) }
        return v
    }

    private mutating func pop(_ offset: Int) throws -> PickleValue {
        guard let value = stack.popLast() else { throw malformed("stack underflow", offset) }
        if let mark = marks.last, stack.count < mark { throw malformed("stack underflow past a MARK", offset) }
        return value
    }

    private func top(_ offset: Int) throws -> PickleValue {
        guard let value = stack.last else { throw malformed("stack underflow", offset) }
        return value
    }

    private mutating func popMark(_ offset: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw malformed("no MARK to pop to", offset) }
        // Opcodes that pop a fixed count (TUPLE2, SETITEM, ...) may already have consumed the marked items.
        guard mark <= stack.count else { throw malformed("stack underflow past a MARK", offset) }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func memoized(_ index: Int, _ offset: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw malformed("memo slot \(index) is empty", offset) }
        return value
    }

    private func list(at offset: Int) throws -> PickleList {
        guard case .list(let list) = try top(offset) else { throw malformed("APPEND to a non-list", offset) }
        return list
    }

    private func dict(at offset: Int) throws -> PickleDict {
        guard case .dict(let dict) = try top(offset) else { throw malformed("SETITEM on a non-dict", offset) }
        return dict
    }

    private func setItems(_ items: [PickleValue], into dict: PickleDict, at offset: Int) throws {
        guard items.count % 2 == 0 else { throw malformed("odd number of dict items", offset) }
        for i in stride(from: 0, to: items.count, by: 2) {
            switch items[i] {
            case .string(let key): dict.set(key, items[i + 1])
            case .int(let key): dict.set(String(key), items[i + 1])
            default: throw malformed("dict key is neither a string nor an integer", offset)
            }
        }
    }

    // MARK: Byte access

    private func malformed(_ what: String, _ offset: Int) -> WeightsError {
        WeightsError(.malformed, path, "corrupt pickle at byte \(offset): \(what)")
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, position <= bytes.count - count else {
            throw WeightsError(.malformed, path, "pickle truncated at byte \(position)")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }

    private mutating func byte() throws -> UInt8 { try take(1).first! }

    private mutating func unsigned(_ width: Int) throws -> UInt64 {
        var value: UInt64 = 0
        for (i, b) in try take(width).enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        return value
    }

    private mutating func bigEndian(_ width: Int) throws -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A length field of `width` bytes; one beyond `Int` is an error (the bytes cannot hold it anyway).
    private mutating func length(_ width: Int) throws -> Int {
        let at = position
        guard let value = SizeArithmetic.int(try unsigned(width)) else { throw malformed("length field too large", at) }
        return value
    }

    private mutating func utf8(_ count: Int) throws -> String {
        String(decoding: try take(count), as: UTF8.self)
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0a) else {
            throw WeightsError(.malformed, path, "pickle GLOBAL at byte \(position) is not terminated")
        }
        let text = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return text
    }

    private mutating func long(_ count: Int) throws -> PickleValue {
        let digits = Array(try take(count))
        if count == 0 { return .int(0) }
        if count <= 8 {
            var value: UInt64 = 0
            for (i, b) in digits.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
            // Sign-extend from the top byte.
            let shift = UInt64(64 - 8 * count)
            return .int(Int(Int64(bitPattern: value << shift) >> Int64(shift)))
        }
        return .bigInt(digits)
    }
}
