import Foundation
import Testing

@testable import ServeSimIO

/// The one CSV reader: RFC 4180 quoting, CRLF line ends, blank lines.
@Suite struct CSVTableTests {
  @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
    let text = "name, note ,n\r\n\"a, b\",\"say \"\"hi\"\"\",1\r\n\r\n  \"two\nlines\" ,x,2\r\nplain,,3"
    let table = try CSVTable(file: "t.csv", text: text)
    #expect(table.header == ["name", "note", "n"])
    #expect(table.rows.map(\.line) == [2, 4, 6])
    #expect(
      table.rows.map(\.fields) == [
        ["a, b", "say \"hi\"", "1"], ["two\nlines", "x", "2"], ["plain", "", "3"],
      ])
  }

  @Test func anUnclosedQuoteNamesItsLine() {
    #expect(
      throws: ConfigError(file: "t.csv", line: 2, keyPath: nil, message: "a quoted field is not closed")
    ) {
      try CSVTable(file: "t.csv", text: "a,b\n\"open,1\n2,3\n")
    }
  }

  @Test func aLineOfATraceSplitsLikeAFile() {
    let line = "\"2023-11-16 18:15:46\", 12 ,\"x,y\""
    #expect(
      CSVTable.fields(ArraySlice(line.utf8)).map { String(CSVTable.trimmed($0)) } == [
        "2023-11-16 18:15:46", "12", "x,y",
      ])
  }

  @Test func lengthColumnsReadWindowsLineEnds() throws {
    // "\r\n" is one Character: a reader splitting Characters on "\n" sees one line.
    let file = NSTemporaryDirectory() + "servesim-csv-" + UUID().uuidString + ".csv"
    defer { try? FileManager.default.removeItem(atPath: file) }
    try "\"tokens\",other\r\n12,a\r\n\"7\",b\r\n".write(toFile: file, atomically: true, encoding: .utf8)
    #expect(try TraceReader.column("tokens", file: file) == [12, 7])
  }
}
