import Foundation
import PackagePlugin

/// Writes the git commit the tree was built from into the target as `buildCommit`, so
/// `vigil --version` names it. A prebuild command runs at every build; the script rewrites the
/// file only when the commit changes, so an unchanged tree recompiles nothing.
@main
struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of \(target.name)",
                executable: URL(filePath: "/bin/sh"),
                arguments: ["-c", script, "build-commit", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output
            )
        ]
    }

    /// `$1` the package folder, `$2` the output folder. Outside a git checkout (a source
    /// tarball) or without git the commit is "unknown"; a tree with uncommitted changes to
    /// tracked files is marked "-modified", because its binary is not that commit.
    private let script = #"""
        set -u
        commit=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
        if [ "$commit" != unknown ] && ! git -C "$1" diff --quiet HEAD -- 2>/dev/null; then commit="$commit-modified"; fi
        mkdir -p "$2"
        file="$2/BuildCommit.swift"
        text="// Written at build time by the BuildCommit plugin.
        let buildCommit = \"$commit\"
        "
        if [ ! -f "$file" ] || [ "$(cat "$file"; echo x)" != "$text""x" ]; then
            printf '%s' "$text" > "$file.new" && mv "$file.new" "$file"
        fi
        """#
}
