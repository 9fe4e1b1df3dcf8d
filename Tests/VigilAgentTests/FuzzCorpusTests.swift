import Foundation
import Testing
import VigilLab

/// The fuzzers' seed corpora (and every crash input kept there) go through each parser in CI,
/// with the ordinary build: what once crashed must never crash again.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    @Test(arguments: ["config", "upstream", "control", "retry-after", "known-hosts", "duration"])
    func theSeedCorpusGoesThroughWithoutACrash(_ target: String) async throws {
        let folder = Self.corpus.appendingPathComponent(target)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { folder.appendingPathComponent($0).path }
        #expect(!files.isEmpty, "a seed corpus for \(target)")
        let binary = LabBinary.path("vigil-fuzz")
        try LabProcess.require(binary, package: "this package (swift build --product vigil-fuzz)")
        let (status, output) = try await LabProcess.run(binary, [target] + files, check: false)
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(files.count) input(s) through \(target), no crash"), "\(output)")
    }
}
