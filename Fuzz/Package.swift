// swift-tools-version:6.0
// libFuzzer harnesses for bibkit's readers. A package of its own, so neither CI nor
// `swift build` in the main package ever builds them; scripts/fuzz.sh builds and runs them
// with `-sanitize=fuzzer,address`.
import PackageDescription

let fuzzTargets = ["FuzzBibTeX", "FuzzRIS", "FuzzCSLJSON", "FuzzJATS", "FuzzProfile", "FuzzRoundTrip"]

let package = Package(
    name: "bibkit-fuzz",
    products: fuzzTargets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "bibkit", path: "..")],
    targets: [
        .target(name: "CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer", .product(name: "BibKit", package: "bibkit")]),
    ] + fuzzTargets.map {
        .executableTarget(name: $0, dependencies: ["FuzzSupport"], path: "Sources/\($0)")
    }
)
