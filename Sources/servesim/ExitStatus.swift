import ArgumentParser
import ServeSim
import ServeSimIO

/// The exit statuses of every command, and the one mapping of errors to them:
/// 64 bad input (a file, key or argument to fix), 1 cannot run (a plan that
/// does not fit, a folder that cannot be written, a stale search store),
/// 130 interrupted (128 + SIGINT; 143 after SIGTERM).
enum ExitStatus {
  static let cannotRun: Int32 = 1
  static let badInput: Int32 = 64

  /// The status of a run stopped by `signal`.
  static func interrupted(by signal: Int32) -> Int32 { 128 + signal }

  /// The status `error` exits with.
  static func code(for error: any Error) -> Int32 {
    switch error {
    case is ConfigError: return badInput
    case let error as SimulationError:
      if case .invalidPlan = error { return badInput }
      return cannotRun
    case let error as CalibrationError: return error.isBadInput ? badInput : cannotRun
    default: return cannotRun
    }
  }

  /// Prints `error` and returns the exit to throw.
  static func fail(_ error: any Error) -> ExitCode {
    Terminal.error("\(error)")
    return ExitCode(code(for: error))
  }

  /// Prints `message` and returns the exit with `status` to throw.
  static func fail(_ message: String, status: Int32) -> ExitCode {
    Terminal.error(message)
    return ExitCode(status)
  }
}
