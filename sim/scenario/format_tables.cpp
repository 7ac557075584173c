// The generic sections of the scenario format as data (format_tables.hpp).
// Changing a key, a limit or a default here changes the loader, its
// messages and the JSON Schema together; docs/scenario-format.md is written
// by hand and must be updated with it.
#include "format_tables.hpp"

#include <map>
#include <mutex>
#include <string>

#include "leasesim/check/violation.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/protocol/registry.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::scenario_detail {

namespace lim = scenario_limits;
using nlohmann::json;

namespace {

// Builds every table once; the pool keeps the Type addresses stable.
struct Format {
  Builder b;
  Tables t;
  Format();
};

Format::Format() {
  const Common& c = common();
  const Duration kMax = lim::kMaxDuration;
  (void)kMax;

  // --- Scalars ---------------------------------------------------------
  const Type* d_pos = c.d_pos;
  const Type* d_nonneg = c.d_nonneg;
  const Type* d_offset = b.duration(-lim::kMaxClockOffset, lim::kMaxClockOffset,
                                    "A signed duration from -24h to 24h.");
  const Type* name = c.name;
  Type target_t = *name;
  target_t.def_name = "target";
  target_t.description =
      "Who a fault applies to: a node name, \"leader\" (the current leader) or "
      "\"holder:RESOURCE\" (the requestor that believes it holds RESOURCE).";
  target_t.pattern = "^(holder:)?[A-Za-z0-9._-]+$";
  target_t.match = is_target;
  target_t.expected = "a node name, \"leader\" or \"holder:RESOURCE\"";
  const Type* target = b.add(target_t);

  Type scenario_name = *name;
  scenario_name.def_name.clear();
  scenario_name.pattern = "^[a-z0-9._-]+$";
  scenario_name.match = is_scenario_name;
  scenario_name.expected = "a name of lowercase letters, digits, \".\", \"_\" and \"-\"";
  const Type* scn_name = b.add(scenario_name);

  const Type* any_string = c.any_string;
  const Type* boolean = c.boolean;
  const Type* probability = c.probability;
  const Type* drift_ppm =
      b.number(-static_cast<double>(lim::kMaxDriftPpm), static_cast<double>(lim::kMaxDriftPpm),
               "a drift in ppm from -100000 to 100000");
  const Type* u64 = c.u64;

  // --- protocol (its module's fields are merged in by root_for) ---------
  const Type* protocol = b.object("The protocol and its variant.",
                                  {{"name", any_string, false, "A registered protocol.", nullptr}});

  // --- resources -------------------------------------------------------
  const Type* resource_names =
      b.array(name, "resources", 1, lim::kMaxResources, true, "an array of resource names");
  t.resource_gen =
      b.object("Generated resource names prefix1..prefixN.",
               {
                   {"count", b.integer(1, lim::kMaxResources, "a resource count from 1 to 1000000"),
                    true, "How many resources.", nullptr},
                   {"prefix", name, false, "The name prefix.", "r"},
               });
  const Type* resources =
      b.one_of("an array of resource names or {\"count\": N, \"prefix\": \"r\"}",
               {resource_names, t.resource_gen});

  // --- network ---------------------------------------------------------
  {
    Type lat;
    lat.kind = Kind::kTagged;
    lat.def_name = "latency";
    lat.description = "A message latency distribution, chosen by \"dist\".";
    lat.expected = "an object";
    lat.tag = "dist";
    auto variant = [&](const char* tag, std::string description, std::vector<Field> fields) {
      fields.insert(fields.begin(),
                    Field{"dist", b.enumeration({tag}), true, "The distribution.", nullptr});
      lat.variants.emplace_back(tag, b.object(std::move(description), std::move(fields)));
    };
    variant("constant", "Always `value`.", {{"value", d_nonneg, true, "The latency.", nullptr}});
    variant("uniform", "Uniform in [min, max].",
            {{"min", d_nonneg, true, "Lower bound.", nullptr},
             {"max", d_nonneg, true, "Upper bound (>= min).", nullptr}});
    variant("exponential", "floor + an exponential draw with mean `mean`.",
            {{"mean", d_pos, true, "Mean of the exponential part.", nullptr},
             {"floor", d_nonneg, false, "Added to every draw.", "0s"}});
    variant("lognormal", "floor + a lognormal draw with median `median`.",
            {{"median", d_pos, true, "Median of the lognormal part.", nullptr},
             {"sigma", b.number(0, 10, "a number from 0 to 10"), true,
              "Standard deviation of the underlying normal.", nullptr},
             {"floor", d_nonneg, false, "Added to every draw.", "0s"}});
    t.latency = b.add(lat);
  }
  t.link = b.object(
      "A per-link override of the default profile; fields left out inherit it.",
      {
          {"from", name, true, "Sending node.", nullptr},
          {"to", name, true, "Receiving node.", nullptr},
          {"symmetric", boolean, false, "Also override the link to -> from.", false},
          {"latency", t.latency, false, "Latency on this link.", nullptr},
          {"loss", probability, false, "Loss probability on this link.", nullptr},
          {"duplicate", probability, false, "Duplication probability on this link.", nullptr},
      });
  t.network = b.object(
      "The network model.",
      {
          {"latency", t.latency, false, "Default latency of every link.",
           json{{"dist", "uniform"}, {"min", "1ms"}, {"max", "10ms"}}},
          {"loss", probability, false, "Default probability a message is lost.", 0},
          {"duplicate", probability, false, "Default probability a message is delivered twice.", 0},
          {"fifo_servers", boolean, false,
           "Server-to-server links deliver in send order (TCP-like).", true},
          {"links", b.array(t.link, "links", 0, lim::kMaxLinks, false, "an array of links"), false,
           "Per-link overrides.", nullptr},
      });

  // --- clocks ----------------------------------------------------------
  Type clock_t = *b.object(
      "A node's clock.",
      {
          {"offset", d_offset, false, "Wall clock offset from true time at the start.", "0s"},
          {"drift_ppm", drift_ppm, false,
           "Rate error in parts per million (may be fractional; stored "
           "as round(ppm * 1000) ppb).",
           0},
      });
  clock_t.def_name = "clock";
  t.clock = b.add(clock_t);
  Type clock_map;
  clock_map.kind = Kind::kMap;
  clock_map.key_type = name;
  clock_map.element = t.clock;
  clock_map.expected = "an object";
  clock_map.description = "Per-node clocks by node name; keys left out use the default.";
  const Type* clock_nodes = b.add(clock_map);
  t.clocks = b.object(
      "Clock offsets and drift.",
      {
          {"default", t.clock, false, "Every node's clock unless listed in nodes.", nullptr},
          {"nodes", clock_nodes, false, "Per-node clocks.", nullptr},
      });

  // --- timing ----------------------------------------------------------
  {
    const Type* dist = b.one_of("a duration or a latency distribution", {d_nonneg, t.latency});
    t.disk = b.object(
        "Durable writes (Raft's term, vote and log; storage's writes).",
        {
            {"fsync", dist, true, "Latency of one durable write.", nullptr},
            {"group_commit", boolean, false,
             "Writes asked for while one is in flight share the next one (batched); false: "
             "each waits its turn.",
             true},
            {"send_while_writing", boolean, false,
             "A Raft leader's AppendEntries and a new candidate's RequestVotes leave while the "
             "sender's own write is in flight (Raft dissertation 10.2.1); false: a node sends "
             "nothing from a step that wrote until the write is durable.",
             true},
        });
    std::vector<Field> profile = {
        {"processing", dist, false,
         "Service time of each input; a node handles one at a time and the others queue.", nullptr},
        {"timer_jitter", dist, false, "How late a timer fires after its deadline.", nullptr},
        {"disk", t.disk, false, "Durable-write latency.", nullptr},
        {"start", dist, false, "When the node starts, from 0.", nullptr},
    };
    Type nt = *b.object("A node's timing model; keys left out inherit.", profile);
    nt.def_name = "node_timing";
    t.node_timing = b.add(nt);
    Type node_map;
    node_map.kind = Kind::kMap;
    node_map.key_type = name;
    node_map.element = t.node_timing;
    node_map.expected = "an object";
    node_map.description = "Per-node timing by node name.";
    const Type* timing_nodes = b.add(node_map);
    std::vector<Field> fields = profile;
    fields.push_back({"servers", t.node_timing, false, "Overrides for every server.", nullptr});
    fields.push_back(
        {"requestors", t.node_timing, false, "Overrides for every requestor.", nullptr});
    fields.push_back({"nodes", timing_nodes, false, "Overrides per node.", nullptr});
    t.timing = b.object(
        "The nodes' timing model (processing time, timer jitter, durable writes, start "
        "offsets); default: none, every input takes no time.",
        std::move(fields));
  }

  // --- faults ----------------------------------------------------------
  {
    Type fault;
    fault.kind = Kind::kTagged;
    fault.def_name = "fault";
    fault.description = "A scripted fault, chosen by \"kind\".";
    fault.expected = "an object";
    fault.tag = "kind";
    const Type* group = b.array(target, "nodes", 1, UINT64_MAX, false, "an array of targets");
    const Type* at_range = b.object("A range drawn uniformly per seed.",
                                    {{"min", d_nonneg, true, "Earliest.", nullptr},
                                     {"max", d_nonneg, true, "Latest.", nullptr}});
    const Type* at_t = b.one_of("a duration or {\"min\", \"max\"}", {d_nonneg, at_range});
    const Type* len_range = b.object(
        "A range drawn uniformly per seed.",
        {{"min", d_pos, true, "Shortest.", nullptr}, {"max", d_pos, true, "Longest.", nullptr}});
    const Type* len_t = b.one_of("a duration or {\"min\", \"max\"}", {d_pos, len_range});
    const Type* groups = b.array(group, "groups", 2, UINT64_MAX, false, "an array of groups");
    auto variant = [&](FaultKind kind, std::string description, std::vector<Field> fields) {
      const char* tag = to_string(kind);
      fields.insert(fields.begin(),
                    {Field{"kind", b.enumeration({tag}), true, "The fault kind.", nullptr},
                     Field{"at", at_t, true,
                           "When, from the start of the run; before the end. A range "
                           "{\"min\", \"max\"} is drawn per seed.",
                           nullptr}});
      Type v = *b.object(std::move(description), std::move(fields));
      v.def_name = std::string("fault_") + tag;
      const Type* added = b.add(v);
      fault.variants.emplace_back(tag, added);
      t.fault_variants.push_back(added);
    };
    const Field tgt{"target", target, true, "Who.", nullptr};
    variant(FaultKind::kCrash, "The target crashes; with duration, it restarts after it.",
            {tgt, {"duration", len_t, false, "Restart after this long.", nullptr}});
    variant(FaultKind::kRestart, "The target restarts.", {tgt});
    variant(FaultKind::kPause, "The target pauses (a GC pause) for duration.",
            {tgt, {"duration", len_t, true, "How long.", nullptr}});
    variant(FaultKind::kPartition,
            "Split the named nodes into groups that cannot reach each other.",
            {{"groups", groups, true, "Two or more groups; no node twice.", nullptr}});
    variant(FaultKind::kCut, "Cut the link from -> to (one direction).",
            {{"from", target, true, "Sending side.", nullptr},
             {"to", target, true, "Receiving side.", nullptr}});
    variant(FaultKind::kIsolate, "The target can neither send nor receive.", {tgt});
    variant(FaultKind::kHeal, "Remove every partition, cut and isolation.", {});
    variant(FaultKind::kClockStep, "Step the target's wall clock.",
            {tgt, {"by", d_offset, true, "The step, -24h to 24h.", nullptr}});
    variant(FaultKind::kDrift, "Set the target's clock drift.",
            {tgt, {"ppm", drift_ppm, true, "The new drift in ppm.", nullptr}});
    variant(FaultKind::kNetwork,
            "For duration: extra loss and duplication and/or a latency model on every link.",
            {{"duration", len_t, true, "How long the window lasts.", nullptr},
             {"loss", probability, false, "Extra loss probability.", nullptr},
             {"duplicate", probability, false, "Extra duplication probability.", nullptr},
             {"latency", t.latency, false, "Latency replacing every link's.", nullptr}});
    // The last variant is `network`: it needs something to change.
    Type net = *fault.variants.back().second;
    net.at_least_one = {{"loss", "duplicate", "latency"}};
    const Type* net_added = b.add(net);
    fault.variants.back().second = net_added;
    t.fault_variants.back() = net_added;
    t.faults = b.add(fault);
  }
  const Type* faults = b.array(t.faults, "faults", 0, lim::kMaxFaults, false, "an array of faults");

  // --- expect ----------------------------------------------------------
  std::vector<std::string> violation_kinds;
  for (size_t k = 0; k < static_cast<size_t>(ViolationKind::kCount); ++k) {
    violation_kinds.emplace_back(to_string(static_cast<ViolationKind>(k)));
  }
  t.expect =
      b.object("What the scenario claims about its own outcome (checked by `leasesim check`).",
               {
                   {"safety", b.enumeration({"holds", "violation"}), false,
                    "Whether the run is expected to stay safe.", nullptr},
                   {"violations",
                    b.array(b.enumeration(violation_kinds), "violation kinds", 1, UINT64_MAX, true,
                            "an array of violation kinds"),
                    false,
                    "Kinds that must each occur. With safety \"violation\" any kinds (a violation "
                    "must still "
                    "occur: a warning is not one); with \"holds\" only warnings (latent_overlap).",
                    nullptr},
                   {"min_availability", b.number(0, 1, "a fraction from 0 to 1"), false,
                    "Least fraction of wanted time a lease was held.", nullptr},
                   {"min_grants", u64, false, "Least number of grants.", nullptr},
                   {"min_elections", u64, false,
                    "Least number of elections (times a server became leader).", nullptr},
                   {"max_elections", u64, false, "Most elections.", nullptr},
               });

  // --- explore ---------------------------------------------------------
  {
    std::vector<std::string> kinds;
    for (size_t k = 0; k < static_cast<size_t>(ExploreKind::kCount); ++k) {
      kinds.emplace_back(to_string(static_cast<ExploreKind>(k)));
    }
    Type all_targets = *b.enumeration({"all"});
    all_targets.expected = "\"all\" or an array of targets";
    const Type* targets =
        b.one_of("\"all\" or an array of targets",
                 {b.add(all_targets),
                  b.array(target, "targets", 1, lim::kMaxRequestors, true, "an array of targets")});
    const Type* fault_count = b.integer(0, lim::kMaxExploreFaults, "an integer from 0 to 1000");
    const Type* d_step =
        b.duration(Duration::zero(), lim::kMaxClockOffset, "A duration from 0s to 24h.");
    const Type* drift_bound = b.number(0, static_cast<double>(lim::kMaxDriftPpm),
                                       "a drift bound in ppm from 0 to 100000");
    t.explore = b.object(
        "Limits for `leasesim explore`: which faults it may add to each seed's run, how many "
        "and how severe (docs/exploration.md). `leasesim run` ignores this block.",
        {
            {"kinds",
             b.array(b.enumeration(kinds), "fault kinds", 0, kinds.size(), true,
                     "an array of fault kinds"),
             false,
             "The fault kinds exploration may choose; each seed switches on a random subset. "
             "Default: all.",
             json(kinds)},
            {"min_faults", fault_count, false,
             "Fewest generated faults per seed. Default: 1, or max_faults when that is 0.", 1},
            {"max_faults", fault_count, false,
             "Most generated faults per seed (a partition, cut or isolation and its heal "
             "count as one).",
             8},
            {"targets", targets, false,
             "Who faults may name: node names, \"leader\", \"holder:RESOURCE\". \"all\": "
             "every server and requestor, \"leader\", and the holder of each of the first "
             "8 resources.",
             "all"},
            {"start_after", d_nonneg, false, "No generated fault before this time.", "1s"},
            {"quiet_after", d_nonneg, false,
             "The last stretch of the run is free of generated faults: everything they "
             "start has ended (restarted, resumed, healed) before it.",
             "5s"},
            {"max_down", d_pos, false, "Longest crash before the restart.", "10s"},
            {"max_pause", d_pos, false, "Longest pause.", "2s"},
            {"max_partition", d_pos, false, "Longest partition, cut or isolation before the heal.",
             "10s"},
            {"drift_ppm", drift_bound, false, "Bound on the drift set by drift faults (+-ppm).",
             500},
            {"max_step", d_step, false, "Bound on clock steps (+-).", "1s"},
            {"max_loss", probability, false, "Highest extra loss in a loss window.", 0.3},
            {"max_duplicate", probability, false,
             "Highest extra duplication in a duplication window.", 0.2},
            {"max_window", d_pos, false, "Longest loss, duplication or latency window.", "5s"},
            {"max_latency", d_nonneg, false,
             "Upper bound of a latency spike (uniform latency within [0, max_latency]).", "200ms"},
        });
  }

  // --- root ------------------------------------------------------------
  t.root = b.object(
      "A leasesim scenario (docs/scenario-format.md).",
      {
          {"$schema", any_string, false, "Ignored; lets editors find this schema.", nullptr},
          {"name", scn_name, true, "The scenario's name.", nullptr},
          {"description", any_string, false, "Free text.", nullptr},
          {"seed", u64, false, "The random seed.", 1},
          {"duration", d_pos, true, "How long the run lasts (simulated time).", nullptr},
          {"protocol", protocol, false, "The protocol and its variant.", nullptr},
          {"resources", resources, false, "The resources that can be leased.", json::array({"r1"})},
          {"network", t.network, false, "The network model.", nullptr},
          {"clocks", t.clocks, false, "Clock offsets and drift.", nullptr},
          {"timing", t.timing, false, "The nodes' timing model.", nullptr},
          {"faults", faults, false, "The fault script.", nullptr},
          {"expect", t.expect, false, "Expected outcome.", nullptr},
          {"explore", t.explore, false,
           "Limits for random faults under `leasesim explore`. Default: every default below.",
           nullptr},
      });
}

}  // namespace

const Tables& tables() {
  static const Format* const format = new Format();
  return format->t;
}

const Type* root_for(const ProtocolModule& m) {
  static std::mutex mu;
  static std::map<const ProtocolModule*, const Type*> roots;
  static Builder& pool = *new Builder();  // never destroyed: roots point into it
  const std::lock_guard<std::mutex> lock(mu);
  if (const auto it = roots.find(&m); it != roots.end()) return it->second;

  const ProtocolModule::Format& mf = m.scenario_format();
  const ProtocolModule& def = default_protocol();
  // "protocol": its name (any registered protocol) and the module's fields.
  std::vector<std::string> names;
  for (const ProtocolModule* p : protocols()) names.emplace_back(p->name());
  std::vector<Field> pfields = {
      {"name", pool.enumeration(names), false, "A registered protocol.", std::string(def.name())}};
  pfields.insert(pfields.end(), mf.protocol_fields.begin(), mf.protocol_fields.end());
  const Type* protocol = pool.object("The protocol and its variant.", std::move(pfields));
  // The default of "protocol": the default protocol with its defaults.
  json pdefault = {{"name", std::string(def.name())}};
  for (const Field& f : def.scenario_format().protocol_fields)
    if (!f.default_value.is_null()) pdefault[f.key] = f.default_value;

  Type root = *tables().root;
  for (Field& f : root.fields) {
    if (f.key != "protocol") continue;
    f.type = protocol;
    f.default_value = pdefault;
  }
  for (const ProtocolModule::TopKey& k : mf.top_keys) {
    auto at = root.fields.end();
    for (auto it = root.fields.begin(); it != root.fields.end(); ++it)
      if (it->key == k.after) at = it + 1;
    root.fields.insert(at, k.field);
  }
  const Type* added = pool.add(std::move(root));
  roots.emplace(&m, added);
  return added;
}

}  // namespace leasesim::scenario_detail
