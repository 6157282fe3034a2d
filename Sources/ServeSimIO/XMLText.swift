/// Text placed in XML or HTML (the SVG plots, `index.html`).
enum XMLText {
  /// `text` with the characters that would end or open markup replaced by
  /// entities: `&`, `<`, `>` and `"` (so it is safe in element text and in
  /// double-quoted attributes).
  static func escaped(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}
