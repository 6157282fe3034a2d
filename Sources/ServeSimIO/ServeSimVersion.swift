/// The version of servesim. Saved search results record it, so that
/// `servesim search --resume` after an upgrade recomputes rather than reuses
/// outcomes an older simulator computed; raise it with each release.
public enum ServeSimVersion {
  public static let current = "0.1.0"
}
