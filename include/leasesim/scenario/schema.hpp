// A JSON Schema (draft 2020-12) of the scenario format, generated from the
// same tables the loader validates with (sim/scenario/format_tables.cpp),
// so the two cannot disagree on structure: keys, types, enums, patterns,
// numeric ranges. Cross-field rules (names must exist, heartbeat shorter
// than the election timeout, ...) are the loader's alone.
//
// docs/scenario.schema.json is this output; regenerate it with
//   build/leasesim schema > docs/scenario.schema.json
#pragma once

#include <nlohmann/json.hpp>

namespace leasesim {

nlohmann::json scenario_schema();

}  // namespace leasesim
