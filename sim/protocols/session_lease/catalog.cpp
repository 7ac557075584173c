// session-lease's knobs and presets, for `leasesim presets`, run reports
// and the trace (protocol/presets.hpp); docs/protocols.md at length.
#include <string>

#include "block.hpp"

namespace leasesim::session_lease::block {

namespace {

std::vector<KnobValue> knob_values(const Options& o) {
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  return {
      {"local_timeout", to_string(o.local_timeout), KnobType::kEnum},
      {"drift_ppm", std::to_string(o.drift_ppm), KnobType::kInt},
      {"margin", format_duration(o.margin), KnobType::kDuration},
      {"jeopardy", to_string(o.jeopardy), KnobType::kEnum},
      {"grace", format_duration(o.grace), KnobType::kDuration},
      {"expiry", to_string(o.expiry), KnobType::kEnum},
      {"lock_delay", format_duration(o.lock_delay), KnobType::kDuration},
      {"sequencer.check", b(o.sequencer.check), KnobType::kBool},
      {"sequencer.window", format_duration(o.sequencer.window), KnobType::kDuration},
      {"fencing", b(o.fencing), KnobType::kBool},
      {"check_quorum", to_string(o.check_quorum), KnobType::kEnum},
  };
}

std::vector<KnobInfo> knob_info() {
  return {
      {"local_timeout", "conservative, receipt, none",
       "the client's local lease timeout C: KeepAlive send + timeout x (1 - rho) - margin "
       "(safe), answer receipt + timeout (unsafe under delay or drift), or none (the client "
       "trusts its session until told it expired)"},
      {"drift_ppm", "a whole number of parts per million",
       "rho: the relative clock rate error a conservative timeout absorbs"},
      {"margin", "a duration such as 50ms", "subtracted from a conservative timeout"},
      {"jeopardy", "stop, hold",
       "at C a holder stops acting until a KeepAlive succeeds (safe), or holds on through the "
       "grace period (safe only if lock_delay covers the grace period)"},
      {"grace", "a duration such as 5s", "how long a client in jeopardy waits for a new master"},
      {"expiry", "client, server",
       "who tells the client its session expired: its own timer at C + grace (Chubby), or only "
       "a server it reaches again (ZooKeeper)"},
      {"lock_delay", "a duration such as 1s; 0s is off",
       "after a session expiry frees a lock the core grants it to no one for this long"},
      {"sequencer.check", "true, false",
       "storage validates each write's sequencer with the core before accepting it"},
      {"sequencer.window", "a duration such as 250ms",
       "how long a positive validation stays valid (the core grants the lock to no one for as "
       "long)"},
      {"fencing", "true, false", "storage rejects generations lower than the highest it accepted"},
      {"check_quorum", "off, tick, deadline",
       "how the core's leader steps down without a majority"},
  };
}

struct PresetText {
  std::string_view name;
  std::string_view description;
};
constexpr PresetText kPresetText[] = {
    {"chubby",
     "Chubby as published: conservative local timeout, stop at jeopardy, 5 s grace, "
     "lock-delay 1 s, sequencers checked by storage, fencing (safe)"},
    {"zookeeper",
     "only the server expires sessions; the client suspends at its conservative timeout "
     "(Curator's standard policy); no lock-delay (safe)"},
    {"trusting", "no local timeout: a client trusts its session until a server says it expired"},
    {"ignore-jeopardy",
     "the application ignores jeopardy and acts through a 5 s grace period, with no lock-delay "
     "to cover it"},
    {"zookeeper-lost",
     "server-judged expiry and an application that acts until told Expired (on reconnect)"},
    {"unfenced", "Chubby's sessions without sequencer checks, fencing or lock-delay"},
};

}  // namespace

ProtocolCatalog catalog() {
  ProtocolCatalog c;
  c.protocol = "session-lease";
  c.description =
      "Chubby/ZooKeeper-style sessions on a Raft core: locks belong to sessions kept alive by "
      "KeepAlives, clients keep a local lease timeout and enter jeopardy";
  c.knobs = knob_info();
  for (const PresetText& p : kPresetText) {
    Options o;
    preset_options(p.name, &o);
    c.presets.push_back(
        PresetInfo{std::string(p.name), std::string(p.description), knob_values(o)});
  }
  return c;
}

std::vector<KnobSetting> effective_knobs(const Config& c) {
  Options base;
  if (!preset_options(c.preset, &base)) return compare_knobs(knob_values(c.options), {});
  return compare_knobs(knob_values(c.options), knob_values(base));
}

}  // namespace leasesim::session_lease::block
