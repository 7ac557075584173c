// leasesim presets [PRESET]: every protocol's presets and the value of each
// knob in them, from the protocol catalog (protocol/presets.hpp); nothing
// here names a knob.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "leasesim/protocol/presets.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

nlohmann::ordered_json typed(const KnobValue& k) {
  switch (k.type) {
    case KnobType::kBool:
      return k.value == "true";
    case KnobType::kInt:
      return std::stoll(k.value);
    case KnobType::kEnum:
    case KnobType::kDuration:
      break;
  }
  return k.value;
}

// Keys in the order people read them (the catalog's), not sorted.
nlohmann::ordered_json catalog_json(const std::vector<ProtocolCatalog>& catalog) {
  nlohmann::ordered_json protocols = nlohmann::ordered_json::array();
  for (const ProtocolCatalog& c : catalog) {
    nlohmann::ordered_json knobs = nlohmann::ordered_json::array();
    for (const KnobInfo& k : c.knobs)
      knobs.push_back({{"name", k.name}, {"values", k.values}, {"description", k.description}});
    nlohmann::ordered_json presets = nlohmann::ordered_json::array();
    for (const PresetInfo& p : c.presets) {
      nlohmann::ordered_json values = nlohmann::ordered_json::object();
      for (const KnobValue& k : p.knobs) values[k.name] = typed(k);
      presets.push_back({{"name", p.name}, {"description", p.description}, {"knobs", values}});
    }
    protocols.push_back({{"name", c.protocol},
                         {"description", c.description},
                         {"knobs", knobs},
                         {"presets", presets}});
  }
  return {{"protocols", protocols}};
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// All presets side by side: a row per knob, a column per preset.
void print_table(const ProtocolCatalog& c) {
  std::printf("%s: %s\n\n", c.protocol.c_str(), c.description.c_str());
  size_t name_w = 0;
  for (const PresetInfo& p : c.presets) name_w = std::max(name_w, p.name.size());
  for (const PresetInfo& p : c.presets) {
    const std::vector<std::string> lines = wrap_text(p.description, 96 - name_w);
    for (size_t i = 0; i < lines.size(); ++i)
      std::printf("  %s  %s\n", pad(i == 0 ? p.name : "", name_w).c_str(), lines[i].c_str());
  }
  std::printf("\n");
  size_t knob_w = 4;
  for (const KnobInfo& k : c.knobs) knob_w = std::max(knob_w, k.name.size());
  std::vector<size_t> col_w;
  for (const PresetInfo& p : c.presets) {
    size_t w = p.name.size();
    for (const KnobValue& v : p.knobs) w = std::max(w, v.value.size());
    col_w.push_back(w);
  }
  std::string line = pad("knob", knob_w);
  for (size_t j = 0; j < c.presets.size(); ++j) line += "  " + pad(c.presets[j].name, col_w[j]);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  std::printf("%s\n", line.c_str());
  for (size_t i = 0; i < c.knobs.size(); ++i) {
    line = pad(c.knobs[i].name, knob_w);
    for (size_t j = 0; j < c.presets.size(); ++j) {
      const std::string v = i < c.presets[j].knobs.size() ? c.presets[j].knobs[i].value : "?";
      line += "  " + pad(v, col_w[j]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

// One preset: each knob's value, allowed values and meaning.
void print_preset(const ProtocolCatalog& c, const PresetInfo& p) {
  std::printf("%s (protocol %s)\n", p.name.c_str(), c.protocol.c_str());
  for (const std::string& l : wrap_text(p.description, 96)) std::printf("  %s\n", l.c_str());
  std::printf("\n");
  size_t knob_w = 4, value_w = 5;
  for (const KnobValue& v : p.knobs) {
    knob_w = std::max(knob_w, v.name.size());
    value_w = std::max(value_w, v.value.size());
  }
  std::printf("%s  %s  %s\n", pad("knob", knob_w).c_str(), pad("value", value_w).c_str(),
              "meaning");
  for (size_t i = 0; i < p.knobs.size() && i < c.knobs.size(); ++i) {
    const KnobInfo& k = c.knobs[i];
    const std::vector<std::string> lines =
        wrap_text(k.description + "; values: " + k.values, 96 - knob_w - value_w);
    for (size_t l = 0; l < lines.size(); ++l)
      std::printf("%s  %s  %s\n", pad(l == 0 ? p.knobs[i].name : "", knob_w).c_str(),
                  pad(l == 0 ? p.knobs[i].value : "", value_w).c_str(), lines[l].c_str());
  }
}

}  // namespace

int cmd_presets(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim presets [PRESET | PROTOCOL] [--json]\n\n"
      "Lists every protocol's presets and the value of each knob in them (a row per\n"
      "knob, a column per preset); with PRESET, that preset's knobs with what each\n"
      "decides (of every protocol that has a preset of that name); with PROTOCOL (a\n"
      "protocol's name, like kv-lease), that protocol's table alone. A scenario names\n"
      "a preset (\"protocol\": {\"preset\": \"safe\"}) and may override knobs\n"
      "(\"knobs\": {\"fencing\": false}); docs/protocol.md explains them.\n\n"
      "options");
  std::string only;
  opts.add_options()("help,h", "show this help")(
      "json", "print the catalog as JSON (protocols, their knobs and presets)");
  po::options_description hidden;
  hidden.add_options()("preset", po::value<std::string>(&only)->value_name("PRESET"));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "preset", 1, &vm)) return kExitOk;

  std::vector<ProtocolCatalog> catalog = protocol_catalog();
  // A protocol's name: its table alone.
  const auto family = std::find_if(catalog.begin(), catalog.end(),
                                   [&](const ProtocolCatalog& c) { return c.protocol == only; });
  const bool one_protocol = family != catalog.end();
  if (one_protocol) {
    catalog = {*family};
  } else if (!only.empty()) {
    // A preset's name: that preset of every protocol that has one (two
    // protocols may share a name, like "safe").
    std::vector<ProtocolCatalog> found;
    std::vector<std::string> names, by_protocol, protocols;
    for (ProtocolCatalog c : catalog) {
      std::vector<std::string> own;
      for (const PresetInfo& p : c.presets) {
        own.push_back(p.name);
        if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
      }
      by_protocol.push_back(c.protocol + ": " + join(own, ", "));
      protocols.push_back(c.protocol);
      std::erase_if(c.presets, [&](const PresetInfo& p) { return p.name != only; });
      if (!c.presets.empty()) found.push_back(std::move(c));
    }
    if (found.empty()) {
      std::vector<std::string> candidates = names;
      candidates.insert(candidates.end(), protocols.begin(), protocols.end());
      throw UsageError{"unknown preset \"" + only + "\"" + did_you_mean(only, candidates) + " (" +
                       join(by_protocol, "; ") + "; or a protocol: " + join(protocols, ", ") + ")"};
    }
    catalog = std::move(found);
  }
  const bool one_preset = !only.empty() && !one_protocol;
  if (vm.count("json")) {
    std::cout << catalog_json(catalog).dump(2) << "\n";
    return kExitOk;
  }
  for (size_t i = 0; i < catalog.size(); ++i) {
    if (i) std::printf("\n");
    if (one_preset)
      print_preset(catalog[i], catalog[i].presets[0]);
    else
      print_table(catalog[i]);
  }
  return kExitOk;
}

}  // namespace leasesim::cli
