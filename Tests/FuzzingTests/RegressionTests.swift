import Foundation
import Fuzzing
import RLRModel
import Tensors
import Weights
import XCTest

/// Inputs that crashed a reader (a trap on overflow, or an allocation of many GiB), each found by
/// scripts/fuzz or its issue: they must now be rejected with an error naming the file and the field.
final class RegressionTests: XCTestCase {
    private func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    private func safetensors(_ json: String) -> Data {
        Data(le(UInt64(json.utf8.count), 8) + Array(json.utf8) + [UInt8](repeating: 0, count: 16))
    }

    private func assertRejected(_ target: String, _ bytes: [UInt8], mentions words: [String],
                                file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertThrowsError(try FuzzTargets.named(target).run(bytes), file: file, line: line) { error in
            let text = String(describing: error)
            for word in words { XCTAssertTrue(text.contains(word), "\(text) lacks \(word)", file: file, line: line) }
        }
    }

    /// Issue #15: the shape product overflowed in SafeTensorsReader.read ("Illegal instruction").
    func testSafetensorsShapeWhoseProductOverflows() throws {
        let data = safetensors(#"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}}"#)
        XCTAssertThrowsError(try Weights.decode(data, path: "big.safetensors")) { error in
            XCTAssertEqual(String(describing: error),
                           "big.safetensors: safetensors entry w: shape [1099511627776, 1099511627776] is negative or too large to address")
        }
        XCTAssertThrowsError(try SafeTensors.decode(data, path: "big.safetensors")) { error in
            XCTAssertTrue(String(describing: error).contains("big.safetensors"), String(describing: error))
            XCTAssertTrue(String(describing: error).contains("tensor 'w' has shape [1099511627776, 1099511627776], too large"))
        }
    }

    /// Offsets whose difference overflows, and shapes that are not integers (once silently dropped).
    func testSafetensorsOffsetsAndShapesMustBeExactIntegers() throws {
        for json in [#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-9223372036854775808,9223372036854775807]}}"#,
                     #"{"w":{"dtype":"F32","shape":["a",2],"data_offsets":[0,8]}}"#,
                     #"{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#,
                     #"{"w":{"dtype":"F32","shape":[0,4611686018427387904,4],"data_offsets":[0,0]}}"#] {
            XCTAssertThrowsError(try SafeTensors.decode(safetensors(json), path: "x.safetensors"), json)
            XCTAssertThrowsError(try Weights.decode(safetensors(json), path: "x.safetensors"), json)
        }
    }

    /// Found by the npy campaign: shape (9223372036854775807, 33) trapped in NPY.decode.
    func testNpyShapeWhoseProductOverflows() throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 33), }"
        header += String(repeating: " ", count: 64 - (10 + header.utf8.count + 1) % 64) + "\n"
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0] + le(UInt64(header.utf8.count), 2) + Array(header.utf8) + [0, 0, 0, 0]
        try assertRejected("npy", bytes, mentions: ["fuzz.npy", "shape [9223372036854775807, 33]", "too large"])
    }

    /// Found by the torch-legacy campaign: a BINUNICODE8 length of 2^64 - 1 trapped converting to Int.
    func testPickleLengthBeyondInt() throws {
        let bytes: [UInt8] = [0x80, 0x02, 0x8d] + le(UInt64.max, 8) + [0x2e]
        try assertRejected("torch-legacy", bytes, mentions: ["fuzz.pth", "corrupt pickle at byte 3: length field too large"])
    }

    /// Found by the torch-legacy campaign: a MARK above the stack (TUPLE2 consumed the marked items) trapped in popMark.
    func testPickleMarkAboveTheStack() throws {
        let bytes: [UInt8] = [0x80, 0x02, 0x4e, 0x4e, 0x28, 0x86, 0x74, 0x2e]   // NONE NONE MARK TUPLE2 TUPLE STOP
        try assertRejected("torch-legacy", bytes, mentions: ["fuzz.pth", "corrupt pickle at byte 6: stack underflow past a MARK"])
    }

    /// Found by the checkpoint campaign: metadata asking for dims [65536] allocated a 17 GB network before
    /// the file's tensors were compared with it.
    func testCheckpointMetadataAskingForANetworkLargerThanTheFile() throws {
        let config = RLRConfig(dims: [8], layers: 1, heads: 2, windows: [3], imageSize: 16, epochs: 2, batchSize: 2)
        let identity = BackboneIdentity(name: "fuzz", taps: ["a"], channels: [4], sides: [2], imageSize: 16, normalization: "tf")
        let network = try RLRNetwork(channels: identity.channels, sides: identity.sides, config: config)
        let valid = try Checkpoint(config: config, backbone: identity, categories: ["x"], network: network, lossHistory: [1]).encoded()
        XCTAssertEqual(try Checkpoint.decode(valid, path: "ok.safetensors").network.parameterCount, network.parameterCount)
        var contents = try SafeTensors.decode(valid)
        contents.metadata["config"] = contents.metadata["config"]!.replacingOccurrences(of: #""dims":[8]"#, with: #""dims":[65536]"#)
        XCTAssertThrowsError(try Checkpoint.decode(SafeTensors.encode(contents), path: "big.safetensors")) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("big.safetensors: metadata asks for a network (dims [65536]"), text)
        }
        // Found next: "heads": 0 trapped (division by zero) in RLRNetwork.init.
        contents = try SafeTensors.decode(valid)
        contents.metadata["config"] = contents.metadata["config"]!.replacingOccurrences(of: #""heads":2"#, with: #""heads":0"#)
        XCTAssertThrowsError(try Checkpoint.decode(SafeTensors.encode(contents), path: "zero.safetensors")) { error in
            XCTAssertTrue(String(describing: error).contains("heads 0, layers 1"), String(describing: error))
        }
    }

    /// A zip64 end record: found by the zip and torch-zip campaigns (an offset beyond Int trapped; an entry
    /// count of 413 million reserved 19 GB).
    private func zip64(recordOffset: UInt64, count: UInt64) -> [UInt8] {
        let local = le(0x0403_4b50, 4) + [UInt8](repeating: 0, count: 26)
        let record = le(0x0606_4b50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(count, 8) + le(count, 8)
            + le(0, 8) + le(30, 8)
        let locator = le(0x0706_4b50, 4) + le(0, 4) + le(recordOffset, 8) + le(1, 4)
        let end = le(0x0605_4b50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4)
            + le(0xFFFF_FFFF, 4) + le(0, 2)
        return local + record + locator + end
    }

    func testZip64FieldsBeyondTheFile() throws {
        let valid = zip64(recordOffset: 30, count: 0)
        XCTAssertThrowsError(try Weights.decode(Data(valid), path: "ok.whl")) { error in   // an empty archive
            XCTAssertTrue(String(describing: error).contains("neither a torch checkpoint"), String(describing: error))
        }
        try assertRejected("zip", zip64(recordOffset: UInt64.max, count: 0), mentions: ["fuzz.whl", "zip64 end record offset", "too large"])
        try assertRejected("zip", zip64(recordOffset: 30, count: 413_240_387), mentions: ["fuzz.whl", "413240387 entries"])
        try assertRejected("zip", zip64(recordOffset: 30, count: UInt64.max), mentions: ["fuzz.whl", "zip64 entry count", "too large"])
    }

    /// A deflated entry claiming 4 GiB from a few bytes must not be allocated.
    func testDeflatedEntryClaimingMoreThanDeflateCanExpand() throws {
        var bytes = FuzzTargets.storedZip(name: "m/w.pth", contents: Array(repeating: 0x41, count: 8))
        let central = bytes.count - 22 - (46 + 7)
        bytes[central + 10] = 8                                             // method: deflate
        bytes.replaceSubrange((central + 24)..<(central + 28), with: le(0xFFFF_FFF0, 4))   // uncompressed size
        try assertRejected("zip", bytes, mentions: ["fuzz.whl", "zip entry m/w.pth claims 4294967280 bytes from 8"])
    }

    /// Found by the libFuzzer safetensors campaign (its leak check): a legacy torch checkpoint whose state dict is a
    /// list appended to itself (EMPTY_LIST, DUP, APPEND) was refused, but the list, holding itself, was never freed.
    /// Loading it 50,000 times must leave resident memory where it was (each leaked list held about 100 bytes: 5 MB).
    func testSelfContainingPickleListIsFreed() throws {
        let pickle: (([UInt8]) -> [UInt8]) = { [0x80, 0x02] + $0 + [0x2e] }  // PROTO 2 ... STOP
        let bytes = pickle([0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19])  // LONG1 magic
            + pickle([0x4d, 0xe9, 0x03])                                     // BININT2 1001
            + pickle([0x7d])                                                 // EMPTY_DICT: system info
            + pickle([0x5d, 0x32, 0x61])                                     // EMPTY_LIST, DUP, APPEND: a list in itself
            + pickle([0x5d])                                                 // EMPTY_LIST: storage keys
        let data = Data(bytes)
        func load() { XCTAssertThrowsError(try Weights.decode(data, path: "cycle.pth")) }
        func residentBytes() throws -> Int {  // /proc/self/statm: size, resident, ... in pages
            let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
            return Int(fields[1])! * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        for _ in 0..<1_000 { load() }
        let before = try residentBytes()
        for _ in 0..<50_000 { load() }
        let grown = try residentBytes() - before
        XCTAssertLessThan(grown, 2_000_000, "resident memory grew by \(grown) bytes over 50,000 loads")
    }
}
