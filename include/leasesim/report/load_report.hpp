// The report's view of LoadStats (load_stats.hpp): the JSON report's
// `load` object and the text report's load lines. Kept apart from the rest
// of the report so the two can move together.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/load_stats.hpp"

namespace leasesim {

// {"by_type": {name: {"sent", "handled"}}, "by_node": {name: {"sent",
// "handled"}}, "leader": {...}, "queue_delay": {...}, "election": {...},
// "election_heard": {...}, "elections_unfinished"}. Every node is listed
// by name in scenarios of at most 64 nodes; beyond that, servers and other
// nodes by name and the requestors summed under "requestors".
nlohmann::json load_json(const Scenario& scenario, const LoadStats& load);
// Lines for the text report (elections after a leader crash, the leader's
// load, queueing); none when there is nothing to say.
std::vector<std::string> load_lines(const LoadStats& load);

}  // namespace leasesim
