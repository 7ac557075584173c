// The scenario format as data (see format_tables.hpp). Changing a key, a
// limit or a default here changes the loader, its messages and the JSON
// Schema together; docs/scenario-format.md is written by hand and must be
// updated with it.
#include "format_tables.hpp"

#include <deque>
#include <string>

#include "leasesim/check/violation.hpp"
#include "leasesim/fault/random_faults.hpp"
#include "leasesim/protocol/options.hpp"
#include "leasesim/protocol/registry.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::scenario_detail {

namespace lim = scenario_limits;
using nlohmann::json;

const char* const kDurationPattern =
    "^[+-]?(0|([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))$";
// Signed durations minus the negative ones; "-0s" is still zero.
const char* const kNonNegativeDurationPattern =
    "^(\\+?(0|([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))"
    "|-(0|(0+(\\.0*)?|\\.0+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)))$";

namespace {

bool is_lower_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}
bool is_name_char(char c) {
  return is_lower_name_char(c) || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool is_scenario_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_lower_name_char(c)) return false;
  }
  return true;
}

bool is_node_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_target(std::string_view s) {
  constexpr std::string_view kHolder = "holder:";
  if (s.substr(0, kHolder.size()) == kHolder) s.remove_prefix(kHolder.size());
  return is_node_name(s);
}

const Field* Type::field(std::string_view key) const {
  for (const Field& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::vector<std::string> Type::keys() const {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const Field& f : fields) out.push_back(f.key);
  return out;
}

namespace {

template <typename E>
std::vector<std::string> enum_names(std::initializer_list<E> values) {
  std::vector<std::string> out;
  for (const E v : values) out.emplace_back(to_string(v));
  return out;
}

class Builder {
 public:
  const Type* add(Type t) {
    pool_.push_back(std::move(t));
    return &pool_.back();
  }

  const Type* duration(Duration lo, Duration hi, std::string description = "") {
    Type t;
    t.kind = Kind::kDuration;
    t.dur_min = lo;
    t.dur_max = hi;
    t.expected = "a duration like \"150ms\"";
    t.description = std::move(description);
    return add(std::move(t));
  }
  const Type* integer(int64_t lo, uint64_t hi, std::string expected) {
    Type t;
    t.kind = Kind::kInteger;
    t.int_min = lo;
    t.int_max = hi;
    t.expected = std::move(expected);
    return add(std::move(t));
  }
  const Type* number(double lo, double hi, std::string expected) {
    Type t;
    t.kind = Kind::kNumber;
    t.num_min = lo;
    t.num_max = hi;
    t.expected = std::move(expected);
    return add(std::move(t));
  }
  const Type* enumeration(std::vector<std::string> values) {
    Type t;
    t.kind = Kind::kEnum;
    t.values = std::move(values);
    return add(std::move(t));
  }
  const Type* boolean() {
    Type t;
    t.kind = Kind::kBool;
    t.expected = "true or false";
    return add(std::move(t));
  }
  const Type* string(std::string expected) {
    Type t;
    t.kind = Kind::kString;
    t.expected = std::move(expected);
    return add(std::move(t));
  }
  const Type* array(const Type* element, std::string noun, uint64_t lo, uint64_t hi, bool unique,
                    std::string expected) {
    Type t;
    t.kind = Kind::kArray;
    t.element = element;
    t.noun = std::move(noun);
    t.min_items = lo;
    t.max_items = hi;
    t.unique = unique;
    t.expected = std::move(expected);
    return add(std::move(t));
  }
  const Type* object(std::string description, std::vector<Field> fields) {
    Type t;
    t.kind = Kind::kObject;
    t.expected = "an object";
    t.description = std::move(description);
    t.fields = std::move(fields);
    return add(std::move(t));
  }
  const Type* one_of(std::string expected, std::vector<const Type*> alternatives) {
    Type t;
    t.kind = Kind::kUnion;
    t.expected = std::move(expected);
    t.alternatives = std::move(alternatives);
    return add(std::move(t));
  }

 private:
  std::deque<Type> pool_;
};

// Builds every table once; the pool keeps the Type addresses stable.
struct Format {
  Builder b;
  Tables t;
  Format();
};

Format::Format() {
  const Duration kMax = lim::kMaxDuration;
  const Duration kNs(1);

  // --- Scalars ---------------------------------------------------------
  const Type* d_pos = b.duration(kNs, kMax, "A positive duration, at most 720h.");
  const Type* d_interval = b.duration(lim::kMinInterval, kMax, "A duration from 1us to 720h.");
  const Type* d_nonneg = b.duration(Duration::zero(), kMax, "A duration from 0s to 720h.");
  const Type* d_offset = b.duration(-lim::kMaxClockOffset, lim::kMaxClockOffset,
                                    "A signed duration from -24h to 24h.");
  Type write_every = *b.duration(lim::kMinInterval, kMax);
  write_every.zero_or_min = true;
  write_every.description = "0s, or a duration from 1us to 720h.";
  const Type* d_write = b.add(write_every);
  Type hold_word = *d_pos;
  hold_word.values = {"forever"};
  hold_word.expected = "a duration like \"5s\" or \"forever\"";
  hold_word.description = "A positive duration up to 720h, or \"forever\".";
  const Type* d_hold = b.add(hold_word);

  Type name_t;
  name_t.kind = Kind::kString;
  name_t.def_name = "name";
  name_t.description = "A name of letters, digits, \".\", \"_\" and \"-\".";
  name_t.pattern = "^[A-Za-z0-9._-]+$";
  name_t.match = is_node_name;
  name_t.expected = "a name of letters, digits, \".\", \"_\" and \"-\"";
  const Type* name = b.add(name_t);

  Type target_t = name_t;
  target_t.def_name = "target";
  target_t.description =
      "Who a fault applies to: a node name, \"leader\" (the current leader) or "
      "\"holder:RESOURCE\" (the requestor that believes it holds RESOURCE).";
  target_t.pattern = "^(holder:)?[A-Za-z0-9._-]+$";
  target_t.match = is_target;
  target_t.expected = "a node name, \"leader\" or \"holder:RESOURCE\"";
  const Type* target = b.add(target_t);

  Type scenario_name = name_t;
  scenario_name.def_name.clear();
  scenario_name.pattern = "^[a-z0-9._-]+$";
  scenario_name.match = is_scenario_name;
  scenario_name.expected = "a name of lowercase letters, digits, \".\", \"_\" and \"-\"";
  const Type* scn_name = b.add(scenario_name);

  const Type* any_string = b.string("a string");
  const Type* boolean = b.boolean();
  const Type* probability = b.number(0, 1, "a probability from 0 to 1");
  const Type* drift_ppm =
      b.number(-static_cast<double>(lim::kMaxDriftPpm), static_cast<double>(lim::kMaxDriftPpm),
               "a drift in ppm from -100000 to 100000");
  const Type* u64 = b.integer(0, UINT64_MAX, "a non-negative integer");
  const Type* u32 = b.integer(0, UINT32_MAX, "an integer from 0 to 4294967295");

  // --- protocol --------------------------------------------------------
  std::vector<std::string> protocol_names;
  for (const ProtocolFactory* p : protocols()) protocol_names.emplace_back(p->name());
  std::vector<std::string> presets;
  for (const std::string_view p : preset_names()) presets.emplace_back(p);
  const Type* clock_kind = b.enumeration(enum_names({ClockKind::kMonotonic, ClockKind::kWall}));

  t.margin = b.object(
      "How much earlier than anchor + ttl the holder gives up. Keys left out keep the preset's "
      "value.",
      {
          {"kind",
           b.enumeration(
               enum_names({MarginKind::kNone, MarginKind::kFixed, MarginKind::kDriftBound})),
           false,
           "none: deadline = anchor + ttl; fixed: minus `fixed`; drift-bound: ttl scaled by "
           "(1 - drift_ppm/1e6), minus `fixed`.",
           nullptr},
          {"fixed", d_nonneg, false, "The fixed part of the margin.", nullptr},
          {"drift_ppm", b.integer(0, lim::kMaxDriftPpm, "an integer from 0 to 100000"), false,
           "The clock drift bound in parts per million, for drift-bound.", nullptr},
      });

  t.sequencer = b.object(
      "Sequencer checking: storage validates each write's lease with the core before accepting "
      "it. Keys left out keep the preset's value.",
      {
          {"check", boolean, false,
           "Whether storage asks the core (through the network) before accepting a write.",
           nullptr},
          {"window", d_pos, false,
           "The validity window of a positive answer: the core grants the resource to no one "
           "for this long after answering, storage accepts writes of the lease until its send "
           "+ window minus the drift margin.",
           nullptr},
      });
  const Type* quorum_word =
      b.enumeration(enum_names({QuorumCheck::kOff, QuorumCheck::kTick, QuorumCheck::kDeadline}));

  t.knobs = b.object(
      "Knob overrides on top of the preset; each key is optional (docs/protocol.md).",
      {
          {"anchor", b.enumeration(enum_names({ExpiryAnchor::kSend, ExpiryAnchor::kReceipt})),
           false,
           "Where the holder anchors its expiry: at the send of the request or at receipt "
           "of the reply.",
           nullptr},
          {"margin", t.margin, false, "The holder's safety margin.", nullptr},
          {"renewals", b.enumeration(enum_names({RenewalPath::kLogged, RenewalPath::kMemory})),
           false, "Whether a renewal is replicated (logged) before it is answered.", nullptr},
          {"failover",
           b.enumeration(
               enum_names({FailoverPolicy::kExtendTtl, FailoverPolicy::kExtendTtlPlusElection,
                           FailoverPolicy::kWaitMaxTtl, FailoverPolicy::kTrustLog})),
           false, "What a new leader does with the leases it finds in the log.", nullptr},
          {"grant_reply",
           b.enumeration(enum_names({GrantReply::kAfterCommit, GrantReply::kImmediate})), false,
           "When a grant is answered.", nullptr},
          {"check_quorum",
           b.one_of("true, false, \"off\", \"tick\" or \"deadline\"", {boolean, quorum_word}),
           false,
           "Whether and how a leader steps down when it loses contact with a quorum: \"tick\" "
           "(true) checks every minimum election timeout, \"deadline\" steps down exactly at the "
           "last majority contact + the minimum election timeout, \"off\" (false) never.",
           nullptr},
          {"keying", b.enumeration(enum_names({LeaseKeying::kLeaseId, LeaseKeying::kResource})),
           false, "How renew and release name the lease.", nullptr},
          {"fencing", boolean, false, "Whether storage checks fencing tokens.", nullptr},
          {"lock_delay", d_nonneg, false,
           "Chubby's lock-delay: after a lease expires (not on release) the core grants the "
           "resource to no one for this long; 0s: off.",
           nullptr},
          {"sequencer", t.sequencer, false, "Sequencer checking by storage.", nullptr},
          {"leader_clock", clock_kind, false, "The clock the leader measures lease expiry on.",
           nullptr},
          {"holder_clock", clock_kind, false, "The clock the holder measures its belief on.",
           nullptr},
      });

  t.protocol = b.object(
      "The protocol and its variant.",
      {
          {"name", b.enumeration(protocol_names), false, "A registered protocol.", "raft-lease"},
          {"preset", b.enumeration(presets), false, "The preset bundle of knob values.", "seed"},
          {"knobs", t.knobs, false, "Overrides of individual knobs.", nullptr},
      });

  // --- core ------------------------------------------------------------
  t.election =
      b.object("The randomized election timeout range.",
               {
                   {"min", d_interval, false, "Shortest election timeout.", "150ms"},
                   {"max", d_interval, false, "Longest election timeout (>= min).", "300ms"},
               });
  const Type* server_count = b.integer(1, lim::kMaxServers, "a server count from 1 to 9");
  const Type* server_names =
      b.array(name, "servers", 1, lim::kMaxServers, true, "an array of server names");
  t.core = b.object(
      "The consistent core (the Raft servers).",
      {
          {"servers",
           b.one_of("a server count from 1 to 9 or an array of server names",
                    {server_count, server_names}),
           false, "How many servers (named n1..nN), or their names, in node-id order. 1 to 9.", 3},
          {"election_timeout", t.election, false, "The election timeout range.", nullptr},
          {"heartbeat", d_interval, false,
           "The leader's heartbeat interval; must be shorter than election_timeout.min.", "50ms"},
          {"snapshot_every", u32, false,
           "Applied entries between log compactions; 0 never compacts.", 4096},
          {"max_append_entries", b.integer(1, 65536, "an integer from 1 to 65536"), false,
           "Most entries in one AppendEntries message.", 64},
      });

  // --- lease -----------------------------------------------------------
  t.lease = b.object(
      "Lease defaults for every requestor.",
      {
          {"ttl", d_pos, false, "The lease time-to-live a requestor asks for.", "5s"},
          {"renew_every", d_interval, false,
           "How often a holder renews. Default: ttl / 3 (in whole nanoseconds).", nullptr},
          {"max_ttl", d_pos, false,
           "The largest ttl the core grants. Default: the largest ttl any requestor asks for; "
           "it must not be smaller.",
           nullptr},
      });

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

  // --- requestors ------------------------------------------------------
  t.hold_range = b.object("A range drawn uniformly.",
                          {
                              {"min", d_pos, true, "Lower bound.", nullptr},
                              {"max", d_pos, true, "Upper bound (>= min).", nullptr},
                          });
  t.range = b.object("A range drawn uniformly.",
                     {
                         {"min", d_nonneg, true, "Lower bound.", nullptr},
                         {"max", d_nonneg, true, "Upper bound (>= min).", nullptr},
                     });
  Type all_t = *b.enumeration({"all"});
  all_t.expected = "\"all\" or an array of resource names";
  const Type* all = b.add(all_t);
  const Type* d_range =
      b.one_of("a duration like \"1s\" or {\"min\": \"0s\", \"max\": \"1s\"}", {d_nonneg, t.range});

  Type req = *b.object(
      "A group of requestors with one configuration. Name it with exactly one of name, names "
      "or count (+ prefix).",
      {
          {"name", name, false, "One requestor's name.", nullptr},
          {"names", b.array(name, "names", 1, lim::kMaxRequestors, true, "an array of names"),
           false, "Several requestors' names.", nullptr},
          {"count", b.integer(1, lim::kMaxRequestors, "a requestor count from 1 to 1000000"), false,
           "How many requestors, named prefix1..prefixN.", nullptr},
          {"prefix", name, false, "The name prefix for count.", "c"},
          {"resources", b.one_of("\"all\" or an array of resource names", {all, resource_names}),
           false, "The resources these requestors want.", "all"},
          {"choice", b.enumeration({"fixed", "cycle", "random"}), false,
           "Which resource to want next. Default: fixed with one resource, else random.", nullptr},
          {"start", d_nonneg, false, "Delay before the first request.", "0s"},
          {"hold",
           b.one_of("a duration like \"5s\", \"forever\" or {\"min\": \"2s\", \"max\": \"10s\"}",
                    {d_hold, t.hold_range}),
           false, "How long to hold a lease before releasing it.",
           json{{"min", "2s"}, {"max", "10s"}}},
          {"think", d_range, false, "Pause between a release and the next want.",
           json{{"min", "0s"}, {"max", "1s"}}},
          {"backoff", d_range, false, "Pause after a refused acquire.",
           json{{"min", "500ms"}, {"max", "1500ms"}}},
          {"ttl", d_pos, false, "The ttl asked for. Default: lease.ttl.", nullptr},
          {"renew_every", d_interval, false, "Renewal interval. Default: lease.renew_every.",
           nullptr},
          {"request_timeout", d_interval, false, "Resend an unanswered request after this.", "1s"},
          {"write_every", d_write, false,
           "Interval between writes to storage while holding; 0s: no writes. Any writer makes "
           "the storage node exist.",
           "0s"},
          {"check_to_write", d_nonneg, false, "Delay between the holder's check and its write.",
           "1ms"},
          {"max_holds", u32, false, "Stop after this many holds; 0: unlimited.", 0},
      });
  req.def_name = "requestor_group";
  req.exactly_one = {{"name", "names", "count"}};
  req.needs = {{"prefix", "count"}};
  t.requestor = b.add(req);
  const Type* requestors = b.array(t.requestor, "requestor groups", 0, lim::kMaxRequestors, false,
                                   "an array of requestor groups");

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

  // --- faults ----------------------------------------------------------
  {
    Type fault;
    fault.kind = Kind::kTagged;
    fault.def_name = "fault";
    fault.description = "A scripted fault, chosen by \"kind\".";
    fault.expected = "an object";
    fault.tag = "kind";
    const Type* group = b.array(target, "nodes", 1, UINT64_MAX, false, "an array of targets");
    const Type* groups = b.array(group, "groups", 2, UINT64_MAX, false, "an array of groups");
    auto variant = [&](FaultKind kind, std::string description, std::vector<Field> fields) {
      const char* tag = to_string(kind);
      fields.insert(fields.begin(),
                    {Field{"kind", b.enumeration({tag}), true, "The fault kind.", nullptr},
                     Field{"at", d_nonneg, true, "When, from the start of the run; before the end.",
                           nullptr}});
      Type v = *b.object(std::move(description), std::move(fields));
      v.def_name = std::string("fault_") + tag;
      const Type* added = b.add(v);
      fault.variants.emplace_back(tag, added);
      t.fault_variants.push_back(added);
    };
    const Field tgt{"target", target, true, "Who.", nullptr};
    variant(FaultKind::kCrash, "The target crashes; with duration, it restarts after it.",
            {tgt, {"duration", d_pos, false, "Restart after this long.", nullptr}});
    variant(FaultKind::kRestart, "The target restarts.", {tgt});
    variant(FaultKind::kPause, "The target pauses (a GC pause) for duration.",
            {tgt, {"duration", d_pos, true, "How long.", nullptr}});
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
            {{"duration", d_pos, true, "How long the window lasts.", nullptr},
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
  t.expect = b.object(
      "What the scenario claims about its own outcome (checked by `leasesim check`).",
      {
          {"safety", b.enumeration({"holds", "violation"}), false,
           "Whether the run is expected to stay safe.", nullptr},
          {"violations",
           b.array(b.enumeration(violation_kinds), "violation kinds", 1, UINT64_MAX, true,
                   "an array of violation kinds"),
           false, "Violation kinds that must each occur; only with safety \"violation\".", nullptr},
          {"min_availability", b.number(0, 1, "a fraction from 0 to 1"), false,
           "Least fraction of wanted time a lease was held.", nullptr},
          {"min_grants", u64, false, "Least number of grants.", nullptr},
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
    const Type* targets = b.one_of(
        "\"all\" or an array of targets",
        {b.add(all_targets),
         b.array(target, "targets", 1, lim::kMaxRequestors, true, "an array of targets")});
    const Type* fault_count =
        b.integer(0, lim::kMaxExploreFaults, "an integer from 0 to 1000");
    const Type* d_step = b.duration(Duration::zero(), lim::kMaxClockOffset,
                                    "A duration from 0s to 24h.");
    const Type* drift_bound = b.number(0, static_cast<double>(lim::kMaxDriftPpm),
                                       "a drift bound in ppm from 0 to 100000");
    t.explore = b.object(
        "Limits for `leasesim explore`: which faults it may add to each seed's run, how many "
        "and how severe (docs/exploration.md). `leasesim run` ignores this block.",
        {
            {"kinds", b.array(b.enumeration(kinds), "fault kinds", 0, kinds.size(), true,
                              "an array of fault kinds"),
             false,
             "The fault kinds exploration may choose; each seed switches on a random subset. "
             "Default: all.",
             json(kinds)},
            {"min_faults", fault_count, false, "Fewest generated faults per seed.", 1},
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
            {"max_partition", d_pos, false,
             "Longest partition, cut or isolation before the heal.", "10s"},
            {"drift_ppm", drift_bound, false, "Bound on the drift set by drift faults (+-ppm).",
             500},
            {"max_step", d_step, false, "Bound on clock steps (+-).", "1s"},
            {"max_loss", probability, false, "Highest extra loss in a loss window.", 0.3},
            {"max_duplicate", probability, false,
             "Highest extra duplication in a duplication window.", 0.2},
            {"max_window", d_pos, false, "Longest loss, duplication or latency window.", "5s"},
            {"max_latency", d_nonneg, false,
             "Upper bound of a latency spike (uniform latency within [0, max_latency]).",
             "200ms"},
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
          {"protocol", t.protocol, false, "The protocol and its variant.",
           json{{"name", "raft-lease"}, {"preset", "seed"}}},
          {"core", t.core, false, "The consistent core.", nullptr},
          {"lease", t.lease, false, "Lease defaults.", nullptr},
          {"resources", resources, false, "The resources that can be leased.", json::array({"r1"})},
          {"requestors", requestors, false,
           "The requestors. Default: one requestor \"alice\" with every default.", nullptr},
          {"network", t.network, false, "The network model.", nullptr},
          {"clocks", t.clocks, false, "Clock offsets and drift.", nullptr},
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

}  // namespace leasesim::scenario_detail
