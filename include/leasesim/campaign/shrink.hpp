// Shrinking a failing scenario to a small reproducer (delta debugging).
//
// The target is a set of violation kinds: the failing kinds the input's run
// shows, unless given. A candidate (the current scenario with something
// removed or simplified) is accepted if it loads and its run still shows a
// violation of a target kind. Passes, repeated until a whole round accepts
// nothing (a fixpoint) or the budget is spent:
//
//   1. cut the duration to just after the first target violation (+1s);
//   2. remove faults (ddmin over the fault list);
//   3. remove requestors not named by a target violation (ddmin), with the
//      faults, clocks and links that name them;
//   4. keep only the resources the violations are about;
//   5. use fewer servers (1, 3, 5, ... below the current count), keeping
//      the servers faults name;
//   6. make clocks perfect (all, then node by node);
//   7. network: no loss, no duplication, constant latency, no link overrides;
//   8. halve fault durations, clock steps and drifts while the violation stays.
//
// Passes 3-5 change who draws which random numbers; a candidate there that
// does not reproduce is also tried with a few following seeds
// (ShrinkOptions::reseeds), so the result's seed may differ from the input's.
//
// Candidates are edits of the scenario's canonical JSON (scenario_to_json)
// and go through load_scenario_json, so every step yields a valid scenario
// file. Deterministic: the same input and options give the same result
// (unless the wall-clock budget runs out first).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/check/violation.hpp"
#include "leasesim/scenario/scenario.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {

struct ShrinkOptions {
  std::vector<ViolationKind> kinds;  // the target; empty: the input's failing kinds
  uint64_t max_runs = 2000;          // simulation runs at most (the input's and final included)
  double max_wall_seconds = 0.0;     // whole shrink; 0: no limit
  uint64_t max_events = UINT64_MAX;  // per run
  // Removing a requestor, resource or server reshuffles the run's random
  // draws; such a candidate that does not reproduce with the scenario's
  // seed is retried with this many following seeds (the result's seed may
  // differ from the input's).
  uint32_t reseeds = 3;
  // Called with each accepted step as it is taken (e.g. to print it).
  std::function<void(const std::string&)> on_step;
};

struct ScenarioSize {
  size_t faults = 0, requestors = 0, servers = 0, resources = 0;
  Duration duration;
  static ScenarioSize of(const Scenario& s);
  std::string format() const;  // "4 faults, 2 requestors, 3 servers, 1 resource, 12.5s"
};

struct ShrinkResult {
  enum class Status : uint8_t {
    kShrunk,       // a smaller reproducer was found
    kMinimal,      // the input reproduces but nothing could be removed
    kNoViolation,  // the input's run shows no target violation
    // The input's run was cut short (ShrinkOptions::max_events, or too many
    // events pending) before any target violation: not evidence that it
    // holds; nothing to shrink.
    kInputIncomplete,
  };
  Status status = Status::kNoViolation;
  std::vector<ViolationKind> target;
  Scenario minimal;                // the input itself unless kShrunk
  nlohmann::json minimal_json;     // its canonical JSON, with expect set to the violation
  std::string violation;           // summary of the first target violation in the final run
  std::vector<std::string> steps;  // accepted steps, in order
  ScenarioSize before, after;
  TimePoint input_end;                             // virtual time the input's run reached
  EndReason input_reason = EndReason::kCompleted;  // how the input's run ended
  uint64_t runs = 0;
  uint64_t candidates = 0;  // candidates tried (invalid ones are not run)
  double wall_seconds = 0.0;
  bool budget_exhausted = false;  // max_runs or max_wall_seconds ran out
};

ShrinkResult shrink_scenario(const Scenario& input, const ShrinkOptions& options);

}  // namespace leasesim
