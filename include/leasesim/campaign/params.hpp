// The parameter grid of a campaign (docs/exploration.md, "sweep").
//
// A parameter is a dotted path into the scenario's JSON document
// ("lease.ttl", "protocol.preset", "requestors.0.hold") and a list of values.
// Cell c is the base document with one value of every parameter written at
// its path, then loaded with load_scenario_json, so a bad value is reported
// by the loader exactly as in a file. Cells are the cartesian product, first
// parameter outermost. No parameters: one cell, the scenario itself (what
// `leasesim explore` runs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/scenario.hpp"

namespace leasesim {

struct SweepParam {
  std::string name;  // as the user wrote it ("protocol"); the key in cell lines
  std::string path;  // dotted path in the document ("protocol.preset")
  std::vector<nlohmann::json> values;
};

// Parses "PATH=V1,V2,...". Values are split at commas outside quotes and
// brackets; each is read as JSON when it is valid JSON (numbers, true,
// false, null, quoted strings, arrays, objects), else taken as a string.
// Aliases: "protocol" -> "protocol.preset", "clocks.drift_ppm" ->
// "clocks.default.drift_ppm", "clocks.offset" -> "clocks.default.offset".
bool parse_sweep_param(std::string_view arg, SweepParam* out, std::string* error);

// The text of one value that parse_sweep_param reads back to the same JSON
// ("2s", 100, "\"true\"" for the string true, "\"a,b\"" for a string with
// a comma).
std::string sweep_value_arg(const nlohmann::json& v);
// A value for people: strings unquoted, everything else as compact JSON.
std::string sweep_value_text(const nlohmann::json& v);

// Writes value at a dotted path, creating missing objects on the way.
// Numeric segments index arrays (which must already have that element).
// Returns false with *error set for a path through a non-object, a bad or
// out-of-range index, or an empty segment.
bool set_json_path(nlohmann::json* doc, std::string_view path, const nlohmann::json& value,
                   std::string* error);

// Number of cells (product of the value counts; 1 with no parameters),
// UINT64_MAX when the product does not fit in 64 bits.
uint64_t sweep_cell_count(const std::vector<SweepParam>& params);
// The value index of each parameter in cell c.
std::vector<size_t> sweep_cell_coords(const std::vector<SweepParam>& params, uint64_t c);
// "lease.ttl=2s protocol=safe" (values as sweep_value_text); "(base)" with
// no parameters.
std::string sweep_cell_label(const std::vector<SweepParam>& params, uint64_t c);
// {"lease.ttl":"2s","protocol":"safe"}, keys in parameter order.
std::string sweep_cell_json(const std::vector<SweepParam>& params, uint64_t c);

// The scenario of cell c, or nullopt with *errors holding the loader's
// messages (and path errors), each prefixed with the cell's label.
std::optional<Scenario> sweep_cell_scenario(const nlohmann::json& base_doc,
                                            const std::string& file_label,
                                            const std::vector<SweepParam>& params, uint64_t c,
                                            std::vector<std::string>* errors);

}  // namespace leasesim
