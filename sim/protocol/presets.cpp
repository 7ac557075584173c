#include "leasesim/protocol/presets.hpp"

#include "leasesim/protocol/registry.hpp"

namespace leasesim {

std::vector<ProtocolCatalog> protocol_catalog() {
  std::vector<ProtocolCatalog> out;
  for (const ProtocolModule* m : protocols()) out.push_back(m->catalog());
  return out;
}

std::vector<KnobSetting> effective_knobs(std::string_view protocol, const ProtocolConfig& config) {
  const ProtocolModule* m = find_protocol(protocol);
  if (m == nullptr) return {};
  return m->effective_knobs(config);
}

std::string preset_summary(std::string_view preset, const std::vector<KnobSetting>& knobs) {
  std::string s = "preset " + std::string(preset);
  for (const KnobSetting& k : knobs)
    if (k.overridden) s += ", " + k.knob.name + "=" + k.knob.value + " (override)";
  return s;
}

std::vector<KnobSetting> compare_knobs(const std::vector<KnobValue>& now,
                                       const std::vector<KnobValue>& preset) {
  std::vector<KnobSetting> out;
  out.reserve(now.size());
  for (size_t i = 0; i < now.size(); ++i) {
    KnobSetting s;
    s.knob = now[i];
    if (i < preset.size()) {
      s.preset_value = preset[i].value;
      s.overridden = preset[i].value != now[i].value;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace leasesim
