#if canImport(Glibc)
  import Glibc
#endif

/// OpenBLAS's worker threads (linked for `servesim profile`): its library
/// constructor starts one per extra core, and each spins on `sched_yield`
/// for about 2^28 cycles (`thread_timeout`, about 0.1 s) waiting for work
/// before it sleeps (OpenBLAS 0.3.21, Debian's libopenblas0-pthread,
/// driver/others/blas_server.c,
/// `blas_thread_server`). A command that never multiplies matrices on the
/// host stops them at once: 0.1 s of a second core's time per process,
/// a sixth of the 100,000-request benchmark's CPU time (issue 10). OpenBLAS
/// starts them again on its next call (`exec_blas` runs `blas_thread_init`).
enum BLASThreads {
  /// Shuts the idle workers down, when the loaded OpenBLAS has them
  /// (`blas_thread_shutdown_`, looked up by name: a single-threaded build
  /// lacks it, and then there is nothing to stop).
  static func stopIdleWorkers() {
    #if canImport(Glibc)
      guard let symbol = dlsym(nil, "blas_thread_shutdown_") else { return }
      typealias Shutdown = @convention(c) () -> Int32
      _ = unsafeBitCast(symbol, to: Shutdown.self)()
    #endif
  }
}
