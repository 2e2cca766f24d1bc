// SPDX-License-Identifier: GPL-2.0-or-later
import PacerModel

/// `node-health-strategy`: the `#health*` node attributes summed into a location score
/// for every resource on that node. Mirrors `pcmk__apply_node_health()`
/// (pcmk_sched_nodes.c) with `pe__unpack_node_health_scores()` and
/// `pe__sum_node_health_scores()` (lib/pengine/pe_health.c).
extension WorkingSet {
    func applyNodeHealth() {
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
            return
        }
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
