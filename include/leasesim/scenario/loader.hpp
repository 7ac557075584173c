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

#include "leasesim/scenario/scenario.hpp"

namespace leasesim {

struct Diagnostic {
  std::string file;
  std::string path;  // JSON pointer, "(root)", "line L, column C", or "" for the file itself
  std::string message;
  bool warning = false;
  // "<file>: <path>: <message>" ("<file>: <message>" when path is empty).
  std::string format() const;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set iff there are no errors
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  bool ok() const { return scenario.has_value() && errors.empty(); }
};

// Hard limits, refused up front with a message (docs/scenario-format.md).
namespace scenario_limits {
inline constexpr uint32_t kMaxServers = 9;
inline constexpr uint64_t kMaxResources = 1'000'000;
inline constexpr uint64_t kMaxRequestors = 1'000'000;
inline constexpr uint64_t kMaxFaults = 100'000;
inline constexpr uint64_t kMaxLinks = 100'000;
inline constexpr uint64_t kMaxExploreFaults = 1'000;  // explore.max_faults
// Sum over requestors of the resources each may ask for.
inline constexpr uint64_t kMaxResourceRefs = 10'000'000;
inline constexpr Duration kMaxDuration = hours(24 * 30);
inline constexpr Duration kMaxClockOffset = hours(24);
inline constexpr Duration kMinInterval = microseconds(1);
inline constexpr int64_t kMaxDriftPpm = 100'000;
inline constexpr double kMaxEvents = 1e10;
inline constexpr int kMaxJsonDepth = 64;
inline constexpr uint64_t kMaxFileBytes = uint64_t{64} << 20;
inline constexpr size_t kMaxErrors = 100;
}  // namespace scenario_limits

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

// The canonical JSON form of a Scenario: every field explicit, durations
// as format_duration writes them. load_scenario_json reads it back to an
// identical Scenario (apart from `file` and fault `origin`).
nlohmann::json scenario_to_json(const Scenario& s);

}  // namespace leasesim
