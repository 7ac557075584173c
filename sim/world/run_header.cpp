#include "leasesim/world/run_header.hpp"

#include <array>
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

constexpr FieldDesc Txt(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kText, nullptr, 0};
}
constexpr FieldDesc U(const char* n) {
  return FieldDesc{n, FieldType::kUint, 0, nullptr, 0};
}
constexpr FieldDesc B(const char* n) {
  return FieldDesc{n, FieldType::kBool, 0, nullptr, 0};
}

const std::array<KindDesc, 2> kKinds = {{
    {world_rec::kHeader,
     "header",
     6,
     {Txt("version"), Txt("scenario"), Txt("file"), U("seed"), Txt("protocol"), Txt("preset")}},
    {world_rec::kKnob, "knob", 3, {Txt("name"), Txt("value"), B("override")}},
}};

}  // namespace

std::span<const KindDesc> header_kinds() {
  return kKinds;
}

void add_header_strings(const Scenario& sc, TraceSchema* schema) {
  std::vector<std::string>& text = schema->names(name_table::kText);
  text = {leasesim_version(), sc.name, sc.file, sc.protocol, sc.preset};
  for (const KnobSetting& k : effective_knobs(sc.protocol, sc.preset, sc.options)) {
    text.push_back(k.knob.name);
    text.push_back(k.knob.value);
  }
}

std::vector<Record> header_records(const Scenario& sc) {
  std::vector<Record> out;
  Record h;
  h.kind = world_rec::kHeader;
  h.f = {kVersion, kScenario, kFile, sc.seed, kProtocol, kPreset};
  out.push_back(h);
  uint64_t i = kFirstKnob;
  for (const KnobSetting& k : effective_knobs(sc.protocol, sc.preset, sc.options)) {
    Record r;
    r.kind = world_rec::kKnob;
    r.f = {i, i + 1, k.overridden ? 1u : 0u, 0, 0, 0};
    out.push_back(r);
    i += 2;
  }
  return out;
}

}  // namespace leasesim
