// A Scenario back to its canonical JSON form (every field explicit), which
// the loader reads back to the same Scenario. The protocol's block is its
// module's to write (ProtocolModule::to_json). Resources named
// prefix1..prefixN become {"count", "prefix"}, so generated scenarios stay
// small.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/protocol/presets.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim {

namespace {

using nlohmann::json;

std::string dur(Duration d) {
  return format_duration(d);
}

// names[i], or "" for an id out of range (a Scenario built in code may be
// inconsistent; the loader then reports the empty name instead of this
// function throwing).
const std::string& name_at(const std::vector<std::string>& names, size_t i) {
  static const std::string kNone;
  return i < names.size() ? names[i] : kNone;
}

json ppm(int64_t ppb) {
  if (ppb % 1000 == 0) return ppb / 1000;
  return static_cast<double>(ppb) / 1000.0;
}

json latency_json(const LatencyModel& m) {
  switch (m.kind) {
    case LatencyModel::Kind::kConstant:
      return {{"dist", "constant"}, {"value", dur(m.a)}};
    case LatencyModel::Kind::kUniform:
      return {{"dist", "uniform"}, {"min", dur(m.a)}, {"max", dur(m.b)}};
    case LatencyModel::Kind::kExponential:
      return {{"dist", "exponential"}, {"mean", dur(m.a)}, {"floor", dur(m.floor)}};
    case LatencyModel::Kind::kLognormal:
      return {
          {"dist", "lognormal"}, {"median", dur(m.a)}, {"sigma", m.sigma}, {"floor", dur(m.floor)}};
  }
  return nullptr;
}

json node_timing_json(const NodeTiming& t) {
  json o = json::object();
  if (t.processing) o["processing"] = latency_json(*t.processing);
  if (t.timer_jitter) o["timer_jitter"] = latency_json(*t.timer_jitter);
  if (t.fsync) {
    o["disk"] = {{"fsync", latency_json(*t.fsync)}, {"group_commit", t.group_commit}};
    // Written only when off: files without the key stay as they were.
    if (!t.send_while_writing) o["disk"]["send_while_writing"] = false;
  }
  if (t.start) o["start"] = latency_json(*t.start);
  return o;
}

// Every node spelled out: exact, if not the shortest form.
json timing_json(const TimingSpec& t, const std::vector<std::string>& nodes) {
  json per_node = json::object();
  for (size_t i = 0; i < t.nodes.size() && i < nodes.size(); ++i) {
    if (t.nodes[i].any()) per_node[nodes[i]] = node_timing_json(t.nodes[i]);
  }
  return {{"nodes", per_node}};
}

// If names are prefix1..prefixN (N >= 2), the prefix; else "".
bool generated_names(const std::vector<std::string>& names, std::string* prefix) {
  if (names.size() < 2 || names[0].size() < 2 || names[0].back() != '1') return false;
  *prefix = names[0].substr(0, names[0].size() - 1);
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] != *prefix + std::to_string(i + 1)) return false;
  }
  return !prefix->empty();
}

json target_json(const Scenario& s, const std::vector<std::string>& nodes, const FaultTarget& t) {
  switch (t.kind) {
    case FaultTarget::Kind::kLeader:
      return "leader";
    case FaultTarget::Kind::kHolderOf:
      return "holder:" + name_at(s.resources, t.resource);
    case FaultTarget::Kind::kNode:
      return name_at(nodes, t.node);
  }
  return nullptr;
}

// Removes the knob `name` ("margin.kind": knobs["margin"]["kind"]) and the
// objects it leaves empty.
void erase_knob(json* knobs, std::string_view name) {
  if (!knobs->is_object()) return;
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos) {
    knobs->erase(std::string(name));
    return;
  }
  const auto it = knobs->find(std::string(name.substr(0, dot)));
  if (it == knobs->end()) return;
  erase_knob(&*it, name.substr(dot + 1));
  if (it->is_object() && it->empty()) knobs->erase(it);
}

}  // namespace

json scenario_file_json(const Scenario& s) {
  json full = scenario_to_json(s);
  if (s.protocol_config == nullptr || !full.contains("protocol") ||
      !full["protocol"].contains("knobs"))
    return full;
  json j = full;
  json& knobs = j["protocol"]["knobs"];
  // A knob with no preset value (no preset, an unknown one) stays.
  for (const KnobSetting& k : effective_knobs(s.protocol, *s.protocol_config))
    if (!k.overridden && !k.preset_value.empty()) erase_knob(&knobs, k.knob.name);
  if (knobs.is_object() && knobs.empty()) j["protocol"].erase("knobs");
  // The same scenario, or every knob written out.
  const LoadResult back = load_scenario_json(j, s.file);
  if (!back.ok() || scenario_to_json(*back.scenario) != full) return full;
  return j;
}

json scenario_to_json(const Scenario& s) try {
  const std::vector<std::string> nodes = s.node_names();
  json j;
  j["name"] = s.name;
  if (!s.description.empty()) j["description"] = s.description;
  j["seed"] = s.seed;
  j["duration"] = dur(s.duration);
  j["protocol"] = {{"name", s.protocol}};
  if (s.protocol_config != nullptr) s.module().to_json(*s.protocol_config, s.names(), &j);
  std::string prefix;
  if (generated_names(s.resources, &prefix)) {
    j["resources"] = {{"count", s.resources.size()}, {"prefix", prefix}};
  } else {
    j["resources"] = s.resources;
  }

  json links = json::array();
  for (const LinkOverride& o : s.network.overrides) {
    links.push_back({{"from", name_at(nodes, o.from)},
                     {"to", name_at(nodes, o.to)},
                     {"latency", latency_json(o.profile.latency)},
                     {"loss", o.profile.loss},
                     {"duplicate", o.profile.duplicate}});
  }
  j["network"] = {
      {"latency", latency_json(s.network.default_profile.latency)},
      {"loss", s.network.default_profile.loss},
      {"duplicate", s.network.default_profile.duplicate},
      {"fifo_servers", s.network.fifo_nodes != 0},
      {"links", links},
  };

  json clock_nodes = json::object();
  for (size_t i = 0; i < s.clocks.size() && i < nodes.size(); ++i) {
    const ClockSpec& c = s.clocks[i];
    if (c.offset == Duration::zero() && c.drift_ppb == 0) continue;
    clock_nodes[nodes[i]] = {{"offset", dur(c.offset)}, {"drift_ppm", ppm(c.drift_ppb)}};
  }
  j["clocks"] = {{"default", {{"offset", "0s"}, {"drift_ppm", 0}}}, {"nodes", clock_nodes}};

  if (s.timing.any()) j["timing"] = timing_json(s.timing, nodes);

  json faults = json::array();
  for (const Fault& f : s.faults) {
    json o = {{"kind", to_string(f.kind)}, {"at", dur(f.at - TimePoint::origin())}};
    if (f.at_max) {
      o["at"] = {{"min", dur(f.at - TimePoint::origin())},
                 {"max", dur(*f.at_max - TimePoint::origin())}};
    }
    auto length = [&f] {
      return f.duration_max ? json{{"min", dur(f.duration)}, {"max", dur(*f.duration_max)}}
                            : json(dur(f.duration));
    };
    switch (f.kind) {
      case FaultKind::kCrash:
        o["target"] = target_json(s, nodes, f.target);
        if (f.duration > Duration::zero()) o["duration"] = length();
        break;
      case FaultKind::kRestart:
      case FaultKind::kIsolate:
        o["target"] = target_json(s, nodes, f.target);
        break;
      case FaultKind::kPause:
        o["target"] = target_json(s, nodes, f.target);
        o["duration"] = length();
        break;
      case FaultKind::kPartition: {
        json groups_json = json::array();
        for (const auto& g : f.groups) {
          json members = json::array();
          for (const FaultTarget& t : g) members.push_back(target_json(s, nodes, t));
          groups_json.push_back(members);
        }
        o["groups"] = groups_json;
        break;
      }
      case FaultKind::kCut:
        o["from"] = target_json(s, nodes, f.from);
        o["to"] = target_json(s, nodes, f.to);
        break;
      case FaultKind::kHeal:
        break;
      case FaultKind::kClockStep:
        o["target"] = target_json(s, nodes, f.target);
        o["by"] = dur(f.step);
        break;
      case FaultKind::kDrift:
        o["target"] = target_json(s, nodes, f.target);
        o["ppm"] = ppm(f.drift_ppb);
        break;
      case FaultKind::kNetwork:
        o["duration"] = length();
        o["loss"] = f.loss;
        o["duplicate"] = f.duplicate;
        if (f.latency) o["latency"] = latency_json(*f.latency);
        break;
      case FaultKind::kCount:
        break;
    }
    faults.push_back(std::move(o));
  }
  j["faults"] = faults;

  json expect = json::object();
  if (s.expect.safety != Expectation::Safety::kUnspecified) {
    expect["safety"] = s.expect.safety == Expectation::Safety::kHolds ? "holds" : "violation";
  }
  if (!s.expect.violation_kinds.empty()) expect["violations"] = s.expect.violation_kinds;
  if (s.expect.min_availability) expect["min_availability"] = *s.expect.min_availability;
  if (s.expect.min_grants) expect["min_grants"] = *s.expect.min_grants;
  if (s.expect.min_elections) expect["min_elections"] = *s.expect.min_elections;
  if (s.expect.max_elections) expect["max_elections"] = *s.expect.max_elections;
  j["expect"] = expect;

  if (s.explore) {
    const ExploreSpec& e = *s.explore;
    json kinds = json::array();
    for (size_t k = 0; k < static_cast<size_t>(ExploreKind::kCount); ++k) {
      if (e.kinds & (1u << k)) kinds.push_back(to_string(static_cast<ExploreKind>(k)));
    }
    json targets = "all";
    if (!e.targets.empty()) {
      targets = json::array();
      for (const FaultTarget& t : e.targets) targets.push_back(target_json(s, nodes, t));
    }
    j["explore"] = {
        {"kinds", kinds},
        {"min_faults", e.min_faults},
        {"max_faults", e.max_faults},
        {"targets", targets},
        {"start_after", dur(e.start_after)},
        {"quiet_after", dur(e.quiet_after)},
        {"max_down", dur(e.max_down)},
        {"max_pause", dur(e.max_pause)},
        {"max_partition", dur(e.max_partition)},
        {"drift_ppm", ppm(e.drift_ppb)},
        {"max_step", dur(e.max_step)},
        {"max_loss", e.max_loss},
        {"max_duplicate", e.max_duplicate},
        {"max_window", dur(e.max_window)},
        {"max_latency", dur(e.max_latency)},
    };
  }
  return j;
} catch (const std::exception&) {
  // Only allocation can fail here; an empty object loads as an error.
  return json::object();
}

}  // namespace leasesim
