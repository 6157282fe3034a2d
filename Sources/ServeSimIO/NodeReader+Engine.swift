import ServeSim
import Yams

extension NodeReader {
  /// Keys of an engine given as a mapping.
  static let engineKeys = ["name", "version"]

  /// A plan's engine at `key` (`value`'s newest modelled release when
  /// absent) and whether it may use its custom all-reduce kernel
  /// (`engine: {name: vllm, custom_all_reduce: false}`; true when unset).
  /// A llama.cpp engine's `llama-server` options (`engine: {name: llamacpp,
  /// parallel: 2, ...}`; nil for other engines). SGLang's scheduler receive
  /// interval (`engine: {name: sglang, scheduler_recv_interval: 30}`; 1 when
  /// unset; `PlanSpec.schedulerRecvInterval`). The largest decode batch
  /// captured in a CUDA graph (`engine: {name: sglang, cuda_graph_max_batch:
  /// 512}`; nil when unset; `PlanSpec.cudaGraphMaxBatch`). The API server's
  /// tokenisation time per prompt token (`engine: {name: vllm,
  /// tokenize_us_per_token: 0}`; nil when unset; `PlanSpec.tokenizeUsPerToken`).
  func engine(_ key: String, default value: EngineKind) throws(ConfigError) -> EngineOptions {
    guard let node = mapping[key] else { return EngineOptions(release: EngineRelease(value)) }
    log?.key(join(key), in: file)
    var options = EngineOptions(release: EngineRelease(value))
    let keys =
      ["custom_all_reduce", Self.recvIntervalKey, Self.graphKey, Self.tokenizeKey] + Self.llamaCppKeys
    let resolved = try release(node, path: join(key), options: keys) {
      (r: NodeReader) throws(ConfigError) in
      options.customAllReduce = try r.bool("custom_all_reduce", default: true)
      options.llamacpp = try r.llamaCppOptions()
      options.recvInterval = try r.recvInterval()
      if r.has(Self.graphKey) { options.cudaGraphMaxBatch = try r.int(Self.graphKey, min: 1, max: 1 << 16) }
      if r.has(Self.tokenizeKey) {
        options.tokenizeUsPerToken = try r.double(Self.tokenizeKey, min: 0, max: 1000)
      }
    }
    options.release = resolved
    if resolved.engine == .llamacpp && options.llamacpp == nil { options.llamacpp = LlamaCppOptions() }
    return options
  }

  /// The key of the largest CUDA-graph batch (`PlanSpec.cudaGraphMaxBatch`).
  static let graphKey = "cuda_graph_max_batch"

  /// The key of the API server's tokenisation time per prompt token
  /// (`PlanSpec.tokenizeUsPerToken`).
  static let tokenizeKey = "tokenize_us_per_token"

  /// The key of SGLang's `--scheduler-recv-interval`.
  static let recvIntervalKey = "scheduler_recv_interval"

  /// SGLang's scheduler receive interval in an engine mapping (1 when
  /// unset); an error for another engine, or an SGLang release before 0.5
  /// (0.4.9's `server_args.py` has no such option).
  func recvInterval() throws(ConfigError) -> Int {
    let key = Self.recvIntervalKey
    guard has(key) else { return 1 }
    guard try string("name") == EngineKind.sglang.rawValue else {
      throw fail(
        key, "'\(key)' is an SGLang option (--scheduler-recv-interval); valid only with name: sglang")
    }
    if has("version"), let version = EngineVersion(try string("version")), version < EngineVersion(0, 5) {
      throw fail(
        key,
        "SGLang \(version) has no --scheduler-recv-interval; valid from version \"0.5\" (or leave it out)")
    }
    return try int(key, min: 1, max: 1 << 20)
  }

  /// The engines of the list at `key`; a single engine counts as a list of one.
  func releaseList(_ key: String) throws(ConfigError) -> [EngineRelease] {
    let node = try require(key)
    guard case .sequence(let items) = node else { return [try release(node, path: join(key))] }
    var out = [EngineRelease]()
    for (index, item) in items.enumerated() {
      out.append(try release(item, path: join("\(key)[\(index)]")))
    }
    return out
  }

  /// An engine: a name (`vllm`, its newest modelled release) or a mapping
  /// `{name: vllm, version: "0.8"}`. A version between modelled ones takes
  /// the newest modelled one not newer than it (`EngineRelease`); a version
  /// that is not a number or older than every modelled one is an error naming
  /// the modelled versions.
  /// `options`: keys the mapping may hold beside `name` and `version`, which
  /// `readOptions` reads from it.
  func release(
    _ node: Node, path: String, options: [String] = [],
    readOptions: (NodeReader) throws(ConfigError) -> Void = { _ in }
  ) throws(ConfigError) -> EngineRelease {
    let names = EngineKind.allCases.map(\.rawValue)
    if case .scalar(let scalar) = node {
      guard let engine = EngineKind(rawValue: scalar.string) else {
        var message = "'\(scalar.string)' is not valid"
        if let guess = nearest(to: scalar.string, in: names) { message += "; did you mean '\(guess)'?" }
        throw ConfigError(
          file: file, line: node.mark?.line ?? line, keyPath: path,
          message: message + " Valid: \(names.joined(separator: ", ")), or {name: ENGINE, version: \"X.Y\"}")
      }
      return EngineRelease(engine)
    }
    let r = try NodeReader(node, file: file, path: path, allowed: Self.engineKeys + options, log: log)
    let engine = try r.choice("name", EngineKind.self)
    try readOptions(r)
    guard r.has("version") else { return EngineRelease(engine) }
    let text = try r.string("version")
    let modelled = EngineRelease.modelled(engine).map(\.description).joined(separator: ", ")
    let valid =
      "valid: \(engine.rawValue) \(modelled), or a later version (it takes the newest modelled one not newer than it)"
    guard let version = EngineVersion(text) else {
      throw r.fail("version", "'\(text)' is not a version like \"0.8\"; \(valid)")
    }
    guard let release = EngineRelease.resolve(engine, version) else {
      throw r.fail("version", "\(engine.rawValue) \(text) is older than every modelled version; \(valid)")
    }
    return release
  }
}
