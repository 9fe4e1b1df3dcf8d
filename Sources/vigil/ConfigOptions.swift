import ArgumentParser
import Foundation
import VigilAgent

/// `--config`, shared by every command; a bad config exits 78 with FILE:LINE:COLUMN: KEY.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file.") var config = "/etc/vigil/vigil.yaml"

    func load(checkFiles: Bool = true) throws -> AgentConfig {
        do {
            return try AgentConfig.load(path: config, checkFiles: checkFiles)
        } catch {
            printError("\(error)")
            throw ExitCode(78)
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data("vigil: \(text)\n".utf8))
}
