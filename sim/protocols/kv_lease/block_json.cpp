// kv-lease's block in canonical JSON (every field explicit; load() reads it
// back to the same config), and its catalog of knobs and presets.
#include <string>

#include "block.hpp"
#include "leasesim/format/ranges.hpp"

namespace leasesim::kv_lease::block {

namespace {

std::string dur(Duration d) {
  return format_duration(d);
}

json knobs_json(const Knobs& k) {
  return {{"expiry_basis", to_string(k.expiry_basis)},
          {"timing_check", to_string(k.timing_check)},
          {"release", to_string(k.release)},
          {"stop_latency", dur(k.stop_latency)},
          {"deadline", to_string(k.deadline)},
          {"anchor", to_string(k.anchor)},
          {"observe", to_string(k.observe)},
          {"reads", to_string(k.reads)},
          {"update", to_string(k.update)}};
}

std::vector<KnobValue> knob_values(const Knobs& k) {
  return {
      {"expiry_basis", to_string(k.expiry_basis), KnobType::kEnum},
      {"timing_check", to_string(k.timing_check), KnobType::kEnum},
      {"release", to_string(k.release), KnobType::kEnum},
      {"stop_latency", format_duration(k.stop_latency), KnobType::kDuration},
      {"deadline", to_string(k.deadline), KnobType::kEnum},
      {"anchor", to_string(k.anchor), KnobType::kEnum},
      {"observe", to_string(k.observe), KnobType::kEnum},
      {"reads", to_string(k.reads), KnobType::kEnum},
      {"update", to_string(k.update), KnobType::kEnum},
  };
}

struct PresetText {
  std::string_view name;
  std::string_view description;
};
constexpr PresetText kPresetText[] = {
    {"safe",
     "expiry judged on the candidate's own clock, lease_duration > renew_deadline + "
     "retry_period enforced, release only after the work stopped, deadline from the last "
     "success's send, linearizable reads, compare-and-swap at apply"},
    {"client-go",
     "client-go as shipped: its timing validation, ReleaseOnCancel, renew rounds that restart "
     "the deadline, successes counted from the reply (safe only while its assumptions hold: "
     "docs/protocols.md)"},
    {"wall-clock",
     "candidates judge expiry from the record's renew_time against their own wall clock: "
     "skewed or stepped clocks double-grant"},
    {"slow-stop",
     "the holder's work runs on 5s after it stops leading, beyond what lease_duration - "
     "renew_deadline - retry_period absorbs"},
    {"stale-reads",
     "Gets answered by any server from its state, and Updates written whatever the version: a "
     "stale follower lets a candidate overwrite a live holder, and takeovers race"},
};

}  // namespace

void to_json(const Config& c, const ScenarioNames& names, json* doc) {
  json& j = *doc;
  j["protocol"]["preset"] = c.preset;
  j["protocol"]["knobs"] = knobs_json(c.knobs);
  j["kv"] = raft::core_block_json(tables().kv, c.core, names.servers);
  j["kv"]["check_quorum"] = raft::to_string(c.check_quorum);
  j["election"] = {
      {"lease_duration", dur(c.lease_duration)},   {"renew_deadline", dur(c.renew_deadline)},
      {"retry_period", dur(c.retry_period)},       {"jitter", dur(c.jitter)},
      {"request_timeout", dur(c.request_timeout)}, {"fast_path", c.fast_path}};
  json groups = json::array();
  for (size_t i = 0; i < c.electors.size(); ++i) {
    const ElectorGroup& g = c.electors[i];
    json e;
    e["name"] = i < names.requestors.size() ? names.requestors[i] : std::string();
    if (g.resources.empty()) {
      e["resources"] = "all";
    } else {
      json rs = json::array();
      for (const ResourceId r : g.resources)
        rs.push_back(r < names.resources.size() ? names.resources[r] : std::string());
      e["resources"] = rs;
    }
    e["start"] = dur(g.start);
    e["hold"] = format::range_to_json(g.hold_min, g.hold_max);
    e["rejoin"] = format::range_to_json(g.rejoin_min, g.rejoin_max);
    groups.push_back(std::move(e));
  }
  j["electors"] = groups;
}

ProtocolCatalog catalog() {
  ProtocolCatalog c;
  c.protocol = "kv-lease";
  c.description =
      "a lease record in a linearizable key-value store on Raft, judged by its clients on their "
      "own clocks (Kubernetes client-go leader election on a Lease object)";
  c.knobs = {
      {"expiry_basis", "observed, record",
       "a candidate takes over once the record is unchanged for lease_duration on its own clock "
       "(observed), or once the record's renew_time + lease_duration passes on its wall clock "
       "(record, unsafe under skew)"},
      {"timing_check", "strict, client-go, off",
       "which timings are accepted: lease_duration > renew_deadline + retry_period (strict), "
       "client-go's lease_duration > renew_deadline > 1.2 x retry_period, or any"},
      {"release", "none, on-cancel, after-stop",
       "a stopping holder blanks the record never, at once (client-go ReleaseOnCancel, while its "
       "work may still run), or once its work stopped"},
      {"stop_latency", "a duration such as 2s",
       "how long the holder's work keeps running after it stops leading"},
      {"deadline", "success, round",
       "the holder's deadline: last success + retry_period + renew_deadline at every step, or "
       "renew_deadline from each round's start (client-go; a pause restarts it)"},
      {"anchor", "send, receipt",
       "a holder's success counts from its attempt's start (send), or from the reply's arrival "
       "(receipt, client-go; a held-up reply stretches the deadline)"},
      {"observe", "version, spec",
       "a candidate's wait restarts at any write of the record (version), or at a change of its "
       "contents (spec, client-go; a renewal that repeats the last one is not seen)"},
      {"reads", "barrier, leader, any",
       "who answers a Get: the leader after a read barrier, any self-believed leader from its "
       "state, or any server"},
      {"update", "cas, blind",
       "an Update is compare-and-swap on the version at apply, or written whatever the version"},
  };
  for (const PresetText& p : kPresetText) {
    Knobs k;
    preset_knobs(p.name, &k);
    c.presets.push_back(
        PresetInfo{std::string(p.name), std::string(p.description), knob_values(k)});
  }
  return c;
}

std::vector<KnobSetting> effective_knobs(const Config& c) {
  Knobs base;
  if (!preset_knobs(c.preset, &base)) return compare_knobs(knob_values(c.knobs), {});
  return compare_knobs(knob_values(c.knobs), knob_values(base));
}

}  // namespace leasesim::kv_lease::block
