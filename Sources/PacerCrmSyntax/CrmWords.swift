// SPDX-License-Identifier: GPL-2.0-or-later
/// A cursor over the words of one command, producing errors that point at a word.
struct CrmWords {
    let words: [String]
    var index = 0
    let line: Int

    init(_ words: [String], line: Int) {
        self.words = words
        self.line = line
    }

    var atEnd: Bool { index >= words.count }
    var peek: String? { index < words.count ? words[index] : nil }

    mutating func next() -> String? {
        guard index < words.count else { return nil }
        defer { index += 1 }
        return words[index]
    }

    /// The next word, or a usage error saying what was expected.
    mutating func expect(_ what: String) throws(CrmError) -> String {
        guard let word = next() else { throw missing(what) }
        return word
    }

    /// An error about the word just read (or the end of the command).
    func error(_ message: String, kind: CrmError.Kind = .usage) -> CrmError {
        let at = index > 0 ? index - 1 : 0
        if at < words.count {
            return CrmError(kind, "at '\(words[at])' (word \(at + 1) of '\(words.joined(separator: " "))'): \(message)", line: line)
        }
        return CrmError(kind, "in '\(words.joined(separator: " "))': \(message)", line: line)
    }

    func missing(_ what: String) -> CrmError {
        CrmError(.usage, "in '\(words.joined(separator: " "))': missing \(what) at the end", line: line)
    }

    /// Splits `name=value`; the value may be empty, the name may not.
    func nameValue(_ word: String) -> (name: String, value: String)? {
        guard let eq = word.firstIndex(of: "="), eq != word.startIndex else { return nil }
        return (String(word[..<eq]), String(word[word.index(after: eq)...]))
    }

    /// Reads `name=value` words until a word without `=` (or one of `stop`).
    mutating func nameValues(stopAt stop: Set<String> = []) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        while let word = peek, !stop.contains(word), let pair = nameValue(word) {
            pairs.append(pair)
            index += 1
        }
        return pairs
    }
}
