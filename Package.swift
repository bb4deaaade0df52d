// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "bibkit",
    products: [
        .executable(name: "bibkit", targets: ["BibKitCLI"]),
        .library(name: "BibKit", targets: ["BibKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // Only for `swift package generate-documentation` (DocC); nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "BibModel",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
        .target(name: "ProfileTextFormat", dependencies: ["BibModel"]),
        .target(name: "BibTeXFormat", dependencies: ["BibModel"]),
        .target(name: "RISFormat", dependencies: ["BibModel"]),
        .target(name: "CSLJSONFormat", dependencies: ["BibModel"]),
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .target(name: "BibXML", dependencies: ["CLibXML2"]),
        .target(name: "JATSFormat", dependencies: ["BibModel", "BibXML", "BibSchemas"]),
        .target(
            name: "BibSchemas", path: "Schemas",
            resources: [
                .embedInCode("csl-data.bibkit.json"), .embedInCode("csl-data-input.bibkit.json"),
                .embedInCode("jats-ref-list.bibkit.xsd"),
            ]),
        .target(
            name: "BibKit",
            dependencies: [
                "BibModel", "BibSchemas", "ProfileTextFormat", "BibTeXFormat", "RISFormat", "CSLJSONFormat",
                "JATSFormat", "BibXML",
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]),
        .executableTarget(
            name: "BibKitCLI",
            dependencies: [
                "BibKit", "BibModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Helpers the test targets share (running programs, a seeded random generator).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "BibModelTests", dependencies: ["BibModel"]),
        .testTarget(
            name: "ProfileTextFormatTests", dependencies: ["TestSupport", "ProfileTextFormat", "BibModel"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BibTeXFormatTests", dependencies: ["TestSupport", "BibTeXFormat", "BibModel"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "RISFormatTests", dependencies: ["TestSupport", "RISFormat", "BibModel"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "CSLJSONFormatTests", dependencies: ["TestSupport", "CSLJSONFormat", "BibModel", "BibSchemas"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BibXMLTests", dependencies: ["BibXML"]),
        .testTarget(
            name: "JATSFormatTests", dependencies: ["TestSupport", "JATSFormat", "BibModel", "BibXML", "BibSchemas"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BibKitTests",
            dependencies: ["TestSupport", "BibKit", "BibModel", "BibTeXFormat", "RISFormat", "CSLJSONFormat", "JATSFormat"]),
        .testTarget(
            name: "InteropTests", dependencies: ["TestSupport", "BibKit"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BibKitCLITests", dependencies: ["TestSupport", "BibKit", "BibKitCLI"],
            exclude: ["Fixtures"]),
    ]
)
