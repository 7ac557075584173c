// raft-lease's knobs and presets, for `leasesim presets`, run reports and
// the trace (protocol/presets.hpp). docs/protocol.md explains each knob at
// length.
#include <string>

#include "block.hpp"

namespace leasesim::raft_lease::block {

namespace {

// Every knob with its value in `o`, in catalog order.
std::vector<KnobValue> knob_values(const LeaseOptions& o) {
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  return {
      {"anchor", to_string(o.anchor), KnobType::kEnum},
      {"margin.kind", to_string(o.margin.kind), KnobType::kEnum},
      {"margin.fixed", format_duration(o.margin.fixed), KnobType::kDuration},
      {"margin.drift_ppm", std::to_string(o.margin.drift_ppm), KnobType::kInt},
      {"renewals", to_string(o.renewals), KnobType::kEnum},
      {"failover", to_string(o.failover), KnobType::kEnum},
      {"grant_reply", to_string(o.grant_reply), KnobType::kEnum},
      {"check_quorum", to_string(o.check_quorum), KnobType::kEnum},
      {"keying", to_string(o.keying), KnobType::kEnum},
      {"fencing", b(o.fencing), KnobType::kBool},
      {"lock_delay", format_duration(o.lock_delay), KnobType::kDuration},
      {"sequencer.check", b(o.sequencer.check), KnobType::kBool},
      {"sequencer.window", format_duration(o.sequencer.window), KnobType::kDuration},
      {"leader_clock", to_string(o.leader_clock), KnobType::kEnum},
      {"holder_clock", to_string(o.holder_clock), KnobType::kEnum},
  };
}

std::vector<KnobInfo> knob_info() {
  return {
      {"anchor", "send, receipt",
       "where the holder anchors its deadline: at the request's send (safe) or the reply's "
       "receipt (unsafe under delay)"},
      {"margin.kind", "none, fixed, drift-bound",
       "how much earlier than anchor + ttl the holder gives up"},
      {"margin.fixed", "a duration such as 50ms", "the fixed part of the margin"},
      {"margin.drift_ppm", "a whole number of parts per million",
       "the clock drift bound rho of a drift-bound margin"},
      {"renewals", "logged, memory",
       "a renewal is a committed log entry, or the leader extends in memory and answers at once"},
      {"failover", "extend-ttl, extend-ttl-plus-election, wait-max-ttl, trust-log",
       "what a new leader does with the leases it finds in the log"},
      {"grant_reply", "after-commit, immediate",
       "GRANTED once the grant is committed, or as soon as it is appended"},
      {"check_quorum", "off, tick, deadline (true = tick, false = off)",
       "a leader steps down without a majority's replies (tick: checked every election_min, so "
       "up to two of them late; deadline: exactly at last majority contact + election_min); "
       "followers ignore votes while a leader is live"},
      {"keying", "lease-id, resource",
       "renew and release name the lease by its id, or by the resource only"},
      {"fencing", "true, false", "storage rejects tokens lower than the highest it accepted"},
      {"lock_delay", "a duration such as 5s (0s: off)",
       "after a lease expires (not on release) the core grants the resource to no one for this "
       "long; a new leader waits this long before any grant"},
      {"sequencer.check", "true, false",
       "storage validates each write's lease with the core (through the network) before "
       "accepting it"},
      {"sequencer.window", "a duration such as 250ms",
       "how long a validated lease's writes are accepted without asking again; the core grants "
       "the resource to no one until that window has passed"},
      {"leader_clock", "monotonic, wall", "the clock the leader measures expiry on"},
      {"holder_clock", "monotonic, wall", "the clock the holder measures its deadline on"},
  };
}

struct PresetText {
  std::string_view name;
  std::string_view description;
};

// One line per preset of options.cpp, in preset_names() order.
constexpr PresetText kPresetText[] = {
    {"seed",
     "the design as written: the holder counts its ttl from the reply's receipt, no margin, "
     "logged renewals, a new leader refreshes leases by the ttl, no fencing"},
    {"naive", "the unsafe choice of every knob, to show what each failure looks like"},
    {"etcd-like",
     "etcd's lessor: in-memory renewals, ttl + election timeout on failover, CheckQuorum; "
     "clients count from receipt"},
    {"safe",
     "every safe choice: anchored at send with a drift-bound margin, logged renewals, ttl + "
     "election timeout on failover, CheckQuorum by deadline, fencing, sequencer checking"},
};

std::string_view preset_description(std::string_view name) {
  for (const PresetText& p : kPresetText)
    if (p.name == name) return p.description;
  return {};
}

}  // namespace

ProtocolCatalog catalog() {
  ProtocolCatalog c;
  c.protocol = "raft-lease";
  c.description =
      "a Raft consistent core that grants leases from a replicated lease table, and requestors "
      "that hold them";
  c.knobs = knob_info();
  for (const std::string_view name : preset_names()) {
    LeaseOptions o;
    const bool known = preset_options(name, &o);
    (void)known;  // preset_names() lists exactly the known presets
    c.presets.push_back(
        PresetInfo{std::string(name), std::string(preset_description(name)), knob_values(o)});
  }
  return c;
}

std::vector<KnobSetting> effective_knobs(const Config& c) {
  LeaseOptions base;
  if (!preset_options(c.preset, &base)) return compare_knobs(knob_values(c.options), {});
  return compare_knobs(knob_values(c.options), knob_values(base));
}

}  // namespace leasesim::raft_lease::block
