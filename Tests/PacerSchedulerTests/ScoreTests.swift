// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel
import Testing

@Suite("Score")
struct ScoreTests {
    @Test("parses as char2score does")
    func parsing() {
        #expect(Score(parsing: "INFINITY") == .infinity)
        #expect(Score(parsing: "+INFINITY") == .infinity)
        #expect(Score(parsing: "-INFINITY") == .negativeInfinity)
        #expect(Score(parsing: "infinity").value == 0)
        #expect(Score(parsing: "inf").value == 0)
        #expect(Score(parsing: "42").value == 42)
        #expect(Score(parsing: "-7").value == -7)
        #expect(Score(parsing: "5000000") == .infinity)
        #expect(Score(parsing: nil).value == 0)
    }

    @Test("addition saturates and -INFINITY wins")
    func addition() {
        #expect(Score.infinity + Score.negativeInfinity == .negativeInfinity)
        #expect(Score(999_999) + Score(5) == .infinity)
        #expect(Score(-999_999) + Score(-5) == .negativeInfinity)
        #expect(Score(3) + Score(4) == Score(7))
        #expect(Score.infinity.description == "INFINITY")
    }
}
