// SPDX-License-Identifier: GPL-2.0-or-later
public import PacerModel

/// When the outcome of a `date_expression` in the configuration next changes, so the cluster
/// can decide again then (a `move --lifetime` constraint expiring): Pacemaker's scheduler
/// records the same as the transition's `recheck-by` (`pe__eval_date_expr()` with a
/// `next_change`, lib/pengine/rules.c), which the controller turns into a timer.
public enum DateRecheck {
    /// Whether a `date_expression` holds at `now`, as the scheduler evaluates it in a rule.
    public static func holds(_ expression: XMLElement, at now: Int) -> Bool {
        WorkingSet.evaluateDateExpression(expression, now: now)
    }

    /// The earliest time after `now` (seconds since the epoch) at which some date expression's
    /// result changes: an `lt` at its `end`, a `gt` one second after its `start`, an
    /// `in_range` at its `start` or one second after its `end`. Nil when none will.
    public static func next(in cib: XMLElement, after now: Int) -> Int? {
        var earliest: Int?
        func consider(_ time: Int?) {
            guard let time, time > now else { return }
            earliest = min(earliest ?? time, time)
        }
        cib.firstElement(named: "configuration")?.forEachElement { expression in
            guard expression.name == "date_expression" else { return }
            let start = expression["start"].flatMap(WorkingSet.parseISO8601)
            var end = expression["end"].flatMap(WorkingSet.parseISO8601)
            switch (expression["operation"] ?? "in_range").lowercased() {
            case "lt":
                consider(end)
            case "gt":
                consider(start.map { $0 + 1 })
            case "in_range":
                if end == nil, let start, let duration = expression.firstElement(named: "duration") {
                    end = WorkingSet.add(duration, to: start)
                }
                consider(start)
                consider(end.map { $0 + 1 })
            default:
                break
            }
        }
        return earliest
    }
}
