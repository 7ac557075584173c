// A Raft core's scenario block: its types, reading, cross-key rules and
// canonical JSON, shared by every lease family that runs on a core.
#include "leasesim/raft/core_block.hpp"

#include <utility>

#include "leasesim/format/limits.hpp"
#include "leasesim/format/reader.hpp"

namespace leasesim::raft {

namespace lim = scenario_limits;
using format::Field;
using format::FieldValue;
using format::Type;
using nlohmann::json;

CoreBlockTypes build_core_block(format::Builder& b, CoreBlockSpec spec) {
  const format::Common& c = format::common();
  CoreBlockTypes t;
  t.election_timeout =
      b.object("The randomized election timeout range.",
               {
                   {"min", c.d_interval, false, "Shortest election timeout.", "150ms"},
                   {"max", c.d_interval, false, "Longest election timeout (>= min).", "300ms"},
                   {"granularity", c.d_nonneg, false,
                    "Resolution of a drawn timeout: the draw is rounded to the nearest multiple "
                    "(min and max must be multiples); 0s: any nanosecond.",
                    "0s"},
               });
  const Type* server_count = b.integer(1, lim::kMaxServers, "a server count from 1 to 9");
  const Type* server_names =
      b.array(c.name, "servers", 1, lim::kMaxServers, true, "an array of server names");
  std::vector<Field> fields = {
      {"servers",
       b.one_of("a server count from 1 to 9 or an array of server names",
                {server_count, server_names}),
       false, "How many servers (named n1..nN), or their names, in node-id order. 1 to 9.", 3},
      {"election_timeout", t.election_timeout, false, "The election timeout range.", nullptr},
      {"heartbeat", c.d_interval, false,
       "The leader's heartbeat interval; must be shorter than election_timeout.min.", "50ms"},
  };
  fields.insert(fields.end(), spec.extra.begin(), spec.extra.end());
  fields.push_back({"snapshot_every", c.u32, false,
                    "Applied entries between log compactions; 0 never compacts.", 4096});
  if (spec.max_append_entries) {
    fields.push_back({"max_append_entries", b.integer(1, 65536, "an integer from 1 to 65536"),
                      false, "Most entries in one AppendEntries message.", 64});
  }
  if (spec.pre_vote) {
    fields.push_back({"pre_vote", c.boolean, false,
                      "Pre-Vote (Raft dissertation 9.6; etcd's --pre-vote): a server whose "
                      "election timer fires first asks whether it could win and starts an "
                      "election only with a majority.",
                      false});
  }
  t.block = b.object(spec.description, std::move(fields));
  t.spec = std::move(spec);
  return t;
}

namespace {

std::function<void(format::Sink&)> core_block_checks(const json* block, const CoreBlockTypes& t,
                                                     const CoreSettings& s, size_t n,
                                                     bool servers_known) {
  const json* e = format::member(block, t.block, "election_timeout");
  const FieldValue min = format::field_value(e, t.election_timeout, "min");
  const bool min_ok = min.valid;
  const bool max_ok = format::field_value(e, t.election_timeout, "max").valid;
  const bool gran_ok = format::field_value(e, t.election_timeout, "granularity").valid;
  const FieldValue hb = format::field_value(block, t.block, "heartbeat");
  const bool hb_ok = hb.valid;
  const bool hb_present = hb.present;
  const json hb_value = hb.value != nullptr ? *hb.value : json();
  const json min_value = min.value != nullptr ? *min.value : json();
  const std::string at = "/" + t.spec.key;
  return [=](format::Sink& diag) {
    const std::string timeout = at + "/election_timeout";
    // A timeout drawn and rounded to the granularity stays within
    // [min, max] only if both bounds are multiples of it.
    if (gran_ok && s.election_granularity > Duration::zero()) {
      const auto multiple = [&](const char* key, bool ok, Duration value) {
        if (ok && value.ns() % s.election_granularity.ns() != 0)
          diag.error(timeout + "/" + key, "expected a multiple of election_timeout.granularity (" +
                                              format_duration(s.election_granularity) +
                                              "), found " + format_duration(value));
      };
      multiple("min", min_ok, s.election_min);
      multiple("max", max_ok, s.election_max);
    }
    if (min_ok && max_ok && s.election_min > s.election_max) {
      diag.error(timeout, "expected election_timeout min <= max, found min " +
                              format_duration(s.election_min) + " > max " +
                              format_duration(s.election_max));
    }
    if (min_ok && hb_ok && s.heartbeat >= s.election_min) {
      // Blame the key the file gave; a default is not the user's mistake.
      if (hb_present) {
        diag.error(at + "/heartbeat", "expected a heartbeat shorter than election_timeout.min (" +
                                          format_duration(s.election_min) + "), found " +
                                          format::render_found(hb_value));
      } else {
        diag.error(timeout + "/min", "expected an election timeout longer than the heartbeat (" +
                                         format_duration(s.heartbeat) + "), found " +
                                         format::render_found(min_value));
      }
    }
    if (servers_known && n % 2 == 0) {
      diag.warning(at + "/servers",
                   "an even number of servers tolerates no more failures than one fewer (" +
                       std::to_string(n) + " and " + std::to_string(n - 1) +
                       " servers both tolerate " + std::to_string((n - 1) / 2) + ")");
    }
  };
}

}  // namespace

CoreBlock read_core_block(const json* block, const CoreBlockTypes& t, BlockOutput* out) {
  std::vector<std::string>& names = out->nodes.servers;
  const FieldValue servers = format::field_value(block, t.block, "servers");
  if (servers.value == nullptr) {
    out->servers_known = false;
    for (int i = 1; i <= 3; ++i) names.push_back("n" + std::to_string(i));
  } else if (servers.value->is_array()) {
    for (const json& n : *servers.value) names.push_back(n.get<std::string>());
  } else {
    const uint64_t n = format::to_uint(*servers.value);
    for (uint64_t i = 1; i <= n; ++i) names.push_back("n" + std::to_string(i));
  }
  CoreBlock core;
  core.servers = static_cast<uint32_t>(names.size());
  core.servers_listed = servers.value != nullptr && servers.value->is_array();
  CoreSettings& s = core.settings;
  const json* e = format::member(block, t.block, "election_timeout");
  format::get_duration(e, t.election_timeout, "min", &s.election_min);
  format::get_duration(e, t.election_timeout, "max", &s.election_max);
  format::get_duration(e, t.election_timeout, "granularity", &s.election_granularity);
  format::get_duration(block, t.block, "heartbeat", &s.heartbeat);
  format::get_u32(block, t.block, "snapshot_every", &s.snapshot_threshold);
  if (t.spec.max_append_entries)
    format::get_u32(block, t.block, "max_append_entries", &s.max_append_entries);
  if (t.spec.pre_vote) format::get_bool(block, t.block, "pre_vote", &s.pre_vote);
  core.checks = core_block_checks(block, t, s, names.size(), out->servers_known);
  return core;
}

std::string server_origin(const CoreBlockTypes& t, bool listed, NodeId id) {
  const std::string servers = "/" + t.spec.key + "/servers";
  return listed ? servers + "/" + std::to_string(id) : servers;
}

json core_block_json(const CoreBlockTypes& t, const CoreSettings& s,
                     std::span<const std::string> servers) {
  json j = {
      {"servers", std::vector<std::string>(servers.begin(), servers.end())},
      {"election_timeout",
       {{"min", format_duration(s.election_min)}, {"max", format_duration(s.election_max)}}},
      {"heartbeat", format_duration(s.heartbeat)},
      {"snapshot_every", s.snapshot_threshold},
  };
  if (t.spec.max_append_entries) j["max_append_entries"] = s.max_append_entries;
  if (s.election_granularity > Duration::zero())
    j["election_timeout"]["granularity"] = format_duration(s.election_granularity);
  if (t.spec.pre_vote && s.pre_vote) j["pre_vote"] = true;
  return j;
}

}  // namespace leasesim::raft
