import ArgumentParser
import Foundation
import VigilAgent

/// `--config`, shared by every command; a bad config exits 78 with FILE:LINE:COLUMN: KEY.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file.") var config = "/etc/vigil/vigil.yaml"

    /// `secrets`: whose secrets this command resolves; see `SecretScope`.
    func load(checkFiles: Bool = true, secrets: SecretScope) throws -> AgentConfig {
        do {
            return try AgentConfig.load(path: config, checkFiles: checkFiles, secrets: secrets)
        } catch {
            printError("\(error)")
            throw ExitCode(78)
        }
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data("vigil: \(text)\n".utf8))
}
