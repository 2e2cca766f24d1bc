// SPDX-License-Identifier: GPL-2.0-or-later
/// Splits crm script text into commands and words the way crmsh's shell-like reader does.
public enum CrmTokenizer {
    /// One logical command of a script: its words and the line it starts on.
    public struct Line: Sendable, Equatable {
        public var words: [String]
        public var number: Int
    }

    /// Splits a whole script: `\` at the end of a line continues it, a line whose first
    /// non-blank character is `#` is a comment, blank lines are skipped.
    /// - Throws: `CrmError` for an unterminated quote, naming the line.
    public static func lines(of script: String) throws(CrmError) -> [Line] {
        var result: [Line] = []
        var pending = ""
        var start = 0
        var number = 0
        for raw in script.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var text = Substring(raw)
            if text.last == "\r" { text = text.dropLast() }
            if pending.isEmpty {
                let trimmed = text.drop { $0 == " " || $0 == "\t" }
                if trimmed.isEmpty || trimmed.first == "#" { continue }
                start = number
            }
            if text.last == "\\" {
                pending += text.dropLast() + " "
                continue
            }
            pending += text
            let words = try split(pending, line: start)
            if !words.isEmpty { result.append(Line(words: words, number: start)) }
            pending = ""
        }
        if !pending.isEmpty {
            let words = try split(pending, line: start)
            if !words.isEmpty { result.append(Line(words: words, number: start)) }
        }
        return result
    }

    /// POSIX-shell-like word splitting: blanks separate words, `'…'` is literal,
    /// `"…"` allows `\"` and `\\`, a backslash outside quotes escapes the next character.
    public static func split(_ text: String, line: Int = 0) throws(CrmError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let d = iterator.next() {
                    if d == "'" { closed = true; break }
                    current.append(d)
                }
                if !closed { throw CrmError(.usage, "unterminated single quote in '\(text)'", line: line) }
            case "\"":
                inWord = true
                var closed = false
                while let d = iterator.next() {
                    if d == "\"" { closed = true; break }
                    if d == "\\", let e = iterator.next() {
                        if e != "\"" && e != "\\" && e != "$" && e != "`" { current.append("\\") }
                        current.append(e)
                        continue
                    }
                    current.append(d)
                }
                if !closed { throw CrmError(.usage, "unterminated double quote in '\(text)'", line: line) }
            case "\\":
                inWord = true
                if let d = iterator.next() { current.append(d) }
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
