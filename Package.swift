// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "servesim",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "ServeSim", targets: ["ServeSim"]),
    .library(name: "ServeSimIO", targets: ["ServeSimIO"]),
    .executable(name: "servesim", targets: ["servesim"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    .target(
      name: "ServeSim",
      dependencies: [.product(name: "DequeModule", package: "swift-collections")]
    ),
    .target(
      name: "ServeSimIO",
      dependencies: [
        "ServeSim", .product(name: "Yams", package: "Yams"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .systemLibrary(
      name: "COpenBLAS", path: "Sources/COpenBLAS",
      providers: [.apt(["libopenblas-dev"])]),
    .target(name: "ServeSimProfiler", dependencies: ["ServeSim", "COpenBLAS"]),
    .executableTarget(
      name: "servesim",
      dependencies: [
        "ServeSim", "ServeSimIO", "ServeSimProfiler",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "ServeSimTests", dependencies: ["ServeSim"]),
    .testTarget(
      name: "ServeSimIOTests", dependencies: ["ServeSim", "ServeSimIO"], exclude: ["Golden", "Fixtures"]),
    .testTarget(name: "CLITests", dependencies: ["ServeSimIO"]),
    .testTarget(name: "ServeSimProfilerTests", dependencies: ["ServeSim", "ServeSimProfiler"]),
  ]
)
