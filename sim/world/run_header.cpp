#include "leasesim/world/run_header.hpp"

#include <string>

#include "leasesim/core/version.hpp"
#include "leasesim/protocol/presets.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {
namespace {

// Text table layout: the header's five strings, then name and value of
// each knob.
constexpr uint64_t kVersion = 0, kScenario = 1, kFile = 2, kProtocol = 3, kPreset = 4;
constexpr uint64_t kFirstKnob = 5;

}  // namespace

void add_header_strings(const Scenario& sc, TraceSchema* schema) {
  std::vector<std::string>& text = schema->names(name_table::kText);
  text = {leasesim_version(), sc.name, sc.file, sc.protocol, sc.preset};
  for (const KnobSetting& k : effective_knobs(sc.protocol, *sc.protocol_config)) {
    text.push_back(k.knob.name);
    text.push_back(k.knob.value);
  }
}

std::vector<Record> header_records(const Scenario& sc) {
  std::vector<Record> out;
  out.push_back(
      encode_record(world_rec::Header{kVersion, kScenario, kFile, sc.seed, kProtocol, kPreset}));
  uint64_t i = kFirstKnob;
  for (const KnobSetting& k : effective_knobs(sc.protocol, *sc.protocol_config)) {
    out.push_back(encode_record(world_rec::Knob{i, i + 1, k.overridden}));
    i += 2;
  }
  return out;
}

}  // namespace leasesim
