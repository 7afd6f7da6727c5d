import Foundation
import Kernels
import XCTest
import Imaging

final class CodecTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws { folder = try makeTemporaryFolder("codec") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    /// PNG (gray, gray+alpha, RGB, RGBA, palette; 8 and 16 bit) and JPEG (4:2:0, 4:4:4, gray, progressive)
    /// decode to what Pillow decodes after convert("RGB"/"L").
    func testDecodesFormatsLikePillow() throws {
        var names = [String]()
        for fields in try fixtureLines("image-files.txt") {
            let name = String(fields[0])
            let data = try XCTUnwrap(Data(base64Encoded: String(fields[1])))
            let image = try Image(encoded: data, path: name)
            XCTAssertEqual(image.channels, Int(fields[2]), name)
            XCTAssertEqual(image.width, Int(fields[3]), name)
            XCTAssertEqual(image.height, Int(fields[4]), name)
            let expected = bytes(hex: fields[5])
            let worst = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            XCTAssertEqual(image.pixels.count, expected.count, name)
            XCTAssertEqual(worst, 0, name)
            names.append(name)
        }
        XCTAssertEqual(names.count, 11)
    }

    func testPNGRoundTrip() throws {
        var generator = RandomGenerator(seed: 7)
        for channels in [1, 3] {
            let pixels = (0..<(23 * 19 * channels)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let image = try Image(width: 23, height: 19, channels: channels, pixels: pixels)
            let path = folder + "/round-\(channels).png"
            try image.writePNG(to: path)
            XCTAssertEqual(try Image(contentsOf: path), image)
            XCTAssertEqual(try Image(encoded: image.pngData()), image)
        }
    }

    func testJPEGRoundTripIsClose() throws {
        // A smooth gradient survives JPEG at quality 95 within a few levels.
        for channels in [1, 3] {
            var pixels = [UInt8]()
            for y in 0..<32 { for x in 0..<40 { for c in 0..<channels { pixels.append(UInt8(x * 4 + y * 2 + c * 10)) } } }
            let image = try Image(width: 40, height: 32, channels: channels, pixels: pixels)
            let decoded = try Image(encoded: image.jpegData(quality: 95))
            XCTAssertEqual(decoded.channels, channels)
            let meanError = zip(decoded.pixels, pixels).map { abs(Float($0) - Float($1)) }.reduce(0, +) / Float(pixels.count)
            XCTAssertLessThan(meanError, 2, "channels \(channels)")
            XCTAssertThrowsError(try image.jpegData(quality: 0))
        }
    }

    /// Broken inputs throw an ImageError that names the file; nothing crashes.
    func testBrokenFilesThrowErrorsNamingTheFile() throws {
        let valid = try Image(width: 64, height: 64, channels: 3,
                              pixels: referencePattern(width: 64, height: 64, channels: 3)).pngData()
        let jpeg = try XCTUnwrap(try fixtureLines("image-files.txt").first { $0[0] == "rgb.jpg" }.flatMap {
            Data(base64Encoded: String($0[1]))
        })
        let bigJPEG = try Image(width: 64, height: 64, channels: 3,
                                pixels: referencePattern(width: 64, height: 64, channels: 3)).jpegData(quality: 95)
        var generator = RandomGenerator(seed: 3)
        let cases: [(String, Data)] = [
            ("random.png", Data((0..<500).map { _ in UInt8(truncatingIfNeeded: generator.next()) })),
            ("truncated.png", valid.prefix(valid.count / 2)),
            ("header-only.png", valid.prefix(40)),
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2)),
            ("truncated-scan.jpg", bigJPEG.prefix(bigJPEG.count * 9 / 10)),
            ("text.png", Data("this is not an image\n".utf8)),
            ("empty.png", Data()),
            ("signature-only.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0])),
        ]
        for (name, data) in cases {
            let path = folder + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Image(contentsOf: path), name) { error in
                XCTAssertTrue(error is ImageError, name)
                XCTAssertTrue("\(error)".contains(path), "\(name): \(error)")
            }
        }
        for path in [folder + "/missing.png", folder] {
            XCTAssertThrowsError(try Image(contentsOf: path)) { XCTAssertTrue("\($0)".contains(path), "\($0)") }
        }
    }

    func testWriteIntoMissingFolderThrows() throws {
        let image = try Image(width: 2, height: 2, channels: 1)
        let path = folder + "/no/such/folder/x.png"
        XCTAssertThrowsError(try image.writePNG(to: path)) { XCTAssertTrue("\($0)".contains(path), "\($0)") }
    }
}
