import Foundation

// `scripts/fuzz.sh` builds this with `-sanitize=fuzzer,address -DFUZZING`: libFuzzer brings
// `main` and calls this for every input; VIGIL_FUZZ_TARGET names the target.
#if FUZZING
    private let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["VIGIL_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            preconditionFailure("VIGIL_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue)), not '\(name)'")
        }
        return target
    }()

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
        target.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    }

    /// libFuzzer's driver, which its own `main` would call.
    @_silgen_name("LLVMFuzzerRunDriver")
    private func runDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// SwiftPM links an executable's `main` to `MODULE_main`; here that starts libFuzzer.
    @_cdecl("vigil_fuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var argc = argc
        var argv = argv
        return runDriver(&argc, &argv, fuzzOneInput)
    }
#else
    /// Without the fuzzer: `vigil-fuzz TARGET FILE...` runs each file through a target, to
    /// replay a corpus or a crash by hand.
    @main
    enum VigilFuzz {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                FileHandle.standardError.write(Data("usage: vigil-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...\n".utf8))
                exit(64)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("vigil-fuzz: cannot read \(path)\n".utf8))
                    exit(66)
                }
                target.run(data)
            }
            print("vigil-fuzz: \(arguments.count - 1) input(s) through \(name), no crash")
        }
    }
#endif
