import Foundation

/// Helpers every test target shares: running programs and finding tools.
public enum Shell {
    /// What a finished program said.
    public struct Result: Sendable {
        /// The exit status (127 when it could not be started and `throwing` was off).
        public var status: Int32
        /// Standard output, with standard error interleaved unless `stdoutOnly`.
        public var output: String
    }

    /// Runs `arguments` (the program looked up on PATH through /usr/bin/env), waits for it
    /// and returns its status and output. `directory` sets the working directory;
    /// `environment` sets (or, with nil, removes) variables of this process's environment;
    /// `stdoutOnly` sends standard error to /dev/null. Standard input is /dev/null.
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String?] = [:],
        stdoutOnly: Bool = false
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (name, value) in environment { env[name] = value }
            process.environment = env
        }
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = stdoutOnly ? FileHandle.nullDevice : pipe
        try process.run()
        // Read before waiting: a child writing more than a pipe holds would block forever.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// ``run(_:in:stdoutOnly:)``, with a program that cannot be started reported as status 127.
    public static func runOrReport(_ arguments: [String], in directory: URL? = nil) -> Result {
        do { return try run(arguments, in: directory) } catch { return Result(status: 127, output: "\(error)") }
    }

    /// True when every tool is an executable file in a PATH directory.
    public static func onPath(_ tools: String...) -> Bool { onPath(all: tools) }

    /// True when every tool is an executable file in a PATH directory.
    public static func onPath(all tools: [String]) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let dirs = path.split(separator: ":")
        return tools.allSatisfy { tool in
            dirs.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
    }
}
