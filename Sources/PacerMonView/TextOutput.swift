// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// The indented list writer of Pacemaker's text output (`lib/common/output_text.c`):
/// a list's title ends with `:`, items are `* ` bullets indented two spaces per level.
struct TextOutput {
    private(set) var text = ""
    private var depth = 0

    /// Starts a nested list under `title`.
    mutating func beginList(_ title: String) {
        line(title + ":")
        depth += 1
    }

    mutating func endList() {
        precondition(depth > 0, "endList without beginList (text so far: \(text.suffix(200)))")
        depth -= 1
    }

    /// One bullet at the current level.
    mutating func item(_ content: String) { line(content) }

    /// A nested list of `items` under `title`, or the one bullet `empty` when there are none.
    mutating func list(_ title: String, _ items: [String], empty: String) {
        guard !items.isEmpty else { return item(empty) }
        beginList(title)
        for content in items { item(content) }
        endList()
    }

    /// An empty line (`out->spacer` / `out->info("")`).
    mutating func spacer() { text += "\n" }

    /// Text written as is, without indentation (`pcmk__formatted_printf`).
    mutating func raw(_ content: String) { text += content }

    private mutating func line(_ content: String) {
        if depth > 0 {
            text += String(repeating: "  ", count: depth) + "* "
        }
        text += content
        text += "\n"
    }
}

/// The "print a heading once, with a blank line before it unless it is the first
/// output" idiom (`PCMK__OUTPUT_LIST_HEADER`).
struct Section {
    private(set) var opened = false

    mutating func open(_ out: inout TextOutput, _ title: String, spacer: Bool) {
        guard !opened else { return }
        if spacer { out.spacer() }
        out.beginList(title)
        opened = true
    }

    mutating func close(_ out: inout TextOutput) {
        if opened { out.endList() }
    }
}
