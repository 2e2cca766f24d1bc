// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// `node-health-strategy`: the `#health*` node attributes summed into a location score
/// for every resource on that node. Mirrors `pcmk__apply_node_health()`
/// (pcmk_sched_nodes.c) with `pe__unpack_node_health_scores()` and
/// `pe__sum_node_health_scores()` (lib/pengine/pe_health.c).
extension WorkingSet {
    /// The red, yellow and green scores of the `node-health-strategy`
    /// (`pe__unpack_node_health_scores()`), nil without a strategy.
    func nodeHealthScores() -> (strategy: String, red: Int, yellow: Int, green: Int)? {
        let strategy = properties["node-health-strategy"]?.lowercased() ?? "none"
        var red = 0, yellow = 0, green = 0
        switch strategy {
        case "migrate-on-red":
            red = -Score.infinityValue
        case "only-green":
            red = -Score.infinityValue
            yellow = -Score.infinityValue
        case "progressive", "custom":
            red = Score(parsing: properties["node-health-red"] ?? "0").value
            yellow = Score(parsing: properties["node-health-yellow"] ?? "0").value
            green = Score(parsing: properties["node-health-green"] ?? "0").value
        default:
            return nil
        }
        return (strategy, red, yellow, green)
    }

    /// A node's health as status displays show it (`pe__node_health()`): -1 when some
    /// `#health*` attribute is red, else 0 when one is yellow, else 1.
    func displayHealth(_ node: Node) -> Int {
        guard let (_, red, yellow, green) = nodeHealthScores() else { return 1 }
        var result = 1
        for (name, value) in node.attributes where name.hasPrefix("#health") {
            switch value.lowercased() {
            case "red": return -1
            case "yellow": result = 0
            default:
                let score = Score(parsing: value).value
                if score <= red { return -1 }
                if score <= yellow && yellow != green { result = 0 }
            }
        }
        return result
    }

    func applyNodeHealth() {
        guard let (strategy, red, yellow, green) = nodeHealthScores() else { return }
        // char2score() reads the colours as the strategy's scores.
        func score(_ value: String) -> Int {
            switch value.lowercased() {
            case "red": return red
            case "yellow": return yellow
            case "green": return green
            default: return Score(parsing: value).value
            }
        }
        let base = strategy == "progressive" ? Score(parsing: properties["node-health-base"] ?? "0").value : 0
        for node in nodes {
            var health = base
            for (name, value) in node.attributes where name.hasPrefix("#health") {
                health = Score.add(score(value), health)
            }
            // An overall health of 0 has no effect.
            if health == 0 { continue }
            for rsc in resources {
                if health < 0 && isTrue(rsc.meta["allow-unhealthy-nodes"]) { continue }
                applyLocation(rsc, [(node, health)])
            }
        }
    }
}
