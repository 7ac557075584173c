// The scenario loader: reads a JSON scenario file (docs/scenario-format.md)
// into a validated Scenario, or explains everything that is wrong with it.
//
// Nothing here throws or aborts on bad input. Errors are collected in one
// pass (as many as can be found; the first 100 are kept), each naming the
// file, the place in it (a JSON pointer such as "/faults/3/at", "(root)",
// or "line 3, column 5" for syntax errors) and what was expected and found.
// Warnings point at things that are legal but probably not meant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim {

struct LoadResult {
  std::optional<Scenario> scenario;  // set iff there are no errors
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  bool ok() const { return scenario.has_value() && errors.empty(); }
};

LoadResult load_scenario_file(const std::string& path);
LoadResult load_scenario_text(std::string_view text, const std::string& file_label);
// For programmatic edits (sweeps, shrinking): the document is checked
// exactly as if it had been read from a file named file_label.
LoadResult load_scenario_json(const nlohmann::json& doc, const std::string& file_label);

// Reads a file into JSON only, with the same file, UTF-8, nesting and
// syntax checks as load_scenario_file (duplicate keys are errors too).
// Returns false, with *errors filled, if anything is wrong.
bool read_scenario_json(const std::string& path, nlohmann::json* out,
                        std::vector<Diagnostic>* errors);

// The top-level keys of the scenario format, in the order
// docs/scenario-format.md presents them, for the protocol `doc` names (the
// default protocol's if it names none or an unknown one).
std::vector<std::string> scenario_keys(const nlohmann::json& doc);

// The canonical JSON form of a Scenario: every field explicit, durations
// as format_duration writes them. load_scenario_json reads it back to an
// identical Scenario (apart from `file` and fault `origin`).
nlohmann::json scenario_to_json(const Scenario& s);

// The form to write to a file (explore's saved runs, shrink's output): the
// canonical form without the protocol's knobs that equal its preset's, so
// the file states what it changes, and a preset changed by hand or by
// `sweep --param protocol.preset=...` changes the rest. It loads to the
// same Scenario as scenario_to_json (same runs, same trace hashes); a
// module whose knob names do not follow its JSON keeps every knob.
nlohmann::json scenario_file_json(const Scenario& s);

}  // namespace leasesim
