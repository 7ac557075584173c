// scenario_file_json: the form saved runs and shrunk scenarios are written
// in. It keeps only the knobs that differ from the preset (a file listing
// every knob pinned them, so `sweep --compare safe,naive` over it ran
// naive's knobs in the "safe" cells), and it loads to the same scenario as
// the canonical form, for every protocol family and every library file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/protocol/presets.hpp"
#include "leasesim/scenario/loader.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace file_form_test {
namespace {

using nlohmann::json;
using testing::formatted;

Scenario load_doc(const json& doc) {
  const LoadResult r = load_scenario_json(doc, "form.json");
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors)) << "\n" << doc.dump(2);
  return r.ok() ? *r.scenario : Scenario{};
}

// The file form loads to the scenario the canonical form describes.
void expect_same_scenario(const Scenario& s, const std::string& what) {
  const json file = scenario_file_json(s);
  const LoadResult back = load_scenario_json(file, "form.json");
  ASSERT_TRUE(back.ok()) << what << ::testing::PrintToString(formatted(back.errors));
  EXPECT_EQ(scenario_to_json(*back.scenario), scenario_to_json(s)) << what;
}

json base(const std::string& protocol, const std::string& preset) {
  return {{"name", "form"},
          {"duration", "10s"},
          {"protocol", {{"name", protocol}, {"preset", preset}}}};
}

struct Family {
  std::string protocol, preset;
  std::string knob;  // a dotted knob to change
  json value;        // a value the preset does not have
  json written;      // how the file form writes that one knob
};

TEST(ScenarioFileForm, WritesOnlyTheKnobsThatDifferFromThePreset) {
  const Family families[] = {
      {"raft-lease", "safe", "fencing", false, {{"fencing", false}}},
      {"raft-lease", "naive", "margin.drift_ppm", 1234, {{"margin", {{"drift_ppm", 1234}}}}},
      {"kv-lease", "safe", "stop_latency", "7ms", {{"stop_latency", "7ms"}}},
      {"session-lease", "chubby", "fencing", false, {{"fencing", false}}},
      {"session-lease", "chubby", "sequencer.window", "3s", {{"sequencer", {{"window", "3s"}}}}},
  };
  for (const Family& f : families) {
    SCOPED_TRACE(f.protocol + " " + f.preset + " " + f.knob);
    // Every knob written out with the preset's values (what saved files
    // held): the file form names none of them.
    const json canonical = scenario_to_json(load_doc(base(f.protocol, f.preset)));
    ASSERT_TRUE(canonical["protocol"].contains("knobs"));
    const Scenario pinned = load_doc(canonical);
    const json plain = scenario_file_json(pinned);
    EXPECT_FALSE(plain["protocol"].contains("knobs")) << plain["protocol"].dump();
    EXPECT_EQ(plain["protocol"]["preset"], f.preset);
    expect_same_scenario(pinned, "preset only");

    // One knob changed: the file form names that knob alone.
    json edited = canonical;
    json* at = &edited["protocol"]["knobs"];
    const size_t dot = f.knob.find('.');
    if (dot != std::string::npos) at = &(*at)[f.knob.substr(0, dot)];
    (*at)[dot == std::string::npos ? f.knob : f.knob.substr(dot + 1)] = f.value;
    const Scenario changed = load_doc(edited);
    const json one = scenario_file_json(changed);
    EXPECT_EQ(one["protocol"]["knobs"], f.written) << one["protocol"].dump();
    expect_same_scenario(changed, "one knob");
    // And the knob is reported as the one override.
    size_t overrides = 0;
    for (const KnobSetting& k : effective_knobs(f.protocol, *changed.protocol_config)) {
      overrides += k.overridden;
      if (k.overridden) {
        EXPECT_EQ(k.knob.name, f.knob);
      }
    }
    EXPECT_EQ(overrides, 1u);
  }
}

// Every library scenario: the file form loads to the same scenario, and
// the knobs it names are exactly the overridden ones.
TEST(ScenarioFileForm, EveryLibraryScenarioLoadsTheSameFromItsFileForm) {
  const std::filesystem::path root = std::filesystem::path(LEASESIM_SOURCE_DIR) / "scenarios";
  size_t files = 0, with_overrides = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".json" || e.path().parent_path().filename() == "bench") continue;
    const LoadResult r = load_scenario_file(e.path().string());
    if (!r.ok()) continue;  // the loader's tests cover invalid files
    ++files;
    const Scenario& s = *r.scenario;
    expect_same_scenario(s, e.path().string());
    const json file = scenario_file_json(s);
    std::vector<std::string> named, overridden;
    bool preset_known = true;
    const json knobs = file["protocol"].value("knobs", json::object());
    for (const KnobSetting& k : effective_knobs(s.protocol, *s.protocol_config)) {
      if (k.overridden) overridden.push_back(k.knob.name);
      preset_known = preset_known && !k.preset_value.empty();
      const json::json_pointer p("/" + [&] {
        std::string t = k.knob.name;
        for (char& c : t)
          if (c == '.') c = '/';
        return t;
      }());
      if (knobs.contains(p)) named.push_back(k.knob.name);
    }
    if (preset_known) {
      EXPECT_EQ(named, overridden) << e.path();
    }
    with_overrides += !overridden.empty();
  }
  EXPECT_GE(files, 60u);
  EXPECT_GT(with_overrides, 10u);
}

}  // namespace
}  // namespace file_form_test
}  // namespace leasesim
