// What a protocol tells people about its knobs and presets: the seam that
// `leasesim presets`, the run reports and the trace's knob records read.
//
// Nothing outside a protocol module names a knob: each module serves its
// own catalog and a run's effective knobs (module.hpp), and the functions
// below collect them from the registered modules, so callers print
// whatever they are given.
//
// Invariants: a protocol's presets list every knob of its catalog, in that
// order, and effective_knobs() returns the same names in the same order, so
// tables line up by position. Values are spelled as scenario files spell
// them ("receipt", "true", "2000", "50ms").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leasesim {

class ProtocolConfig;

// How a knob's value is written in JSON (text forms are always strings).
enum class KnobType : uint8_t {
  kEnum,      // a name: "receipt"
  kBool,      // "true" / "false"
  kInt,       // decimal digits
  kDuration,  // "50ms"
};

struct KnobValue {
  std::string name;   // dotted for a nested knob: "margin.kind"
  std::string value;  // as a scenario file spells it
  KnobType type = KnobType::kEnum;
};

// One knob of a run: its effective value, and whether it differs from the
// preset's (a scenario's `knobs` block set it to something else).
struct KnobSetting {
  KnobValue knob;
  std::string preset_value;
  bool overridden = false;
};

struct KnobInfo {
  std::string name;         // as in KnobValue
  std::string values;       // the allowed values, for people: "send, receipt"
  std::string description;  // one line: what it decides
};

struct PresetInfo {
  std::string name;
  std::string description;       // one line: what the bundle stands for
  std::vector<KnobValue> knobs;  // every knob, in the catalog's order
};

struct ProtocolCatalog {
  std::string protocol;  // as scenarios name it: "raft-lease"
  std::string description;
  std::vector<KnobInfo> knobs;
  std::vector<PresetInfo> presets;  // in documentation order
};

// Every registered protocol, with its knobs and presets, in registration order.
std::vector<ProtocolCatalog> protocol_catalog();

// A run's knobs: every knob of `protocol` with its value in `config` (the
// module's parsed block of that run), each marked where it differs from
// its preset's value. Empty for an unregistered protocol.
std::vector<KnobSetting> effective_knobs(std::string_view protocol, const ProtocolConfig& config);

// "preset etcd-like, check_quorum=off (override)": the preset and the
// knobs that override it, for one-line summaries (plot titles, check output).
std::string preset_summary(std::string_view preset, const std::vector<KnobSetting>& knobs);

// For modules: the settings of `now` against `preset` (same names, same
// order; an empty `preset` marks nothing as overridden).
std::vector<KnobSetting> compare_knobs(const std::vector<KnobValue>& now,
                                       const std::vector<KnobValue>& preset);

}  // namespace leasesim
