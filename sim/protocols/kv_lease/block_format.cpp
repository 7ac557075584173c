// kv-lease's scenario block as data: the protocol fields (preset, knobs) and
// the `kv`, `election` and `electors` keys (docs/scenario-format.md).
#include <string>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"

namespace leasesim::kv_lease::block {

namespace lim = scenario_limits;
using format::Builder;
using format::enum_names;
using format::Field;

namespace {

struct Built {
  Builder b;
  Tables t;
  Built();
};

Built::Built() {
  const format::Common& c = format::common();
  std::vector<std::string> presets;
  for (const std::string_view p : preset_names()) presets.emplace_back(p);
  auto names_of = [](auto... v) { return std::vector<std::string>{to_string(v)...}; };

  t.knobs = b.object(
      "Knob overrides on top of the preset; each key is optional (docs/protocols.md).",
      {
          {"expiry_basis", b.enumeration(names_of(ExpiryBasis::kObserved, ExpiryBasis::kRecord)),
           false,
           "How a candidate judges the holder's lease expired: the record unchanged for its "
           "lease_duration on the candidate's own clock (observed), or the record's renew_time "
           "+ lease_duration against the candidate's wall clock (record).",
           nullptr},
          {"timing_check",
           b.enumeration(names_of(TimingCheck::kStrict, TimingCheck::kClientGo, TimingCheck::kOff)),
           false,
           "Which election timings are accepted: lease_duration > renew_deadline + "
           "retry_period (strict), client-go's lease_duration > renew_deadline > 1.2 x "
           "retry_period (client-go), or any (off).",
           nullptr},
          {"release",
           b.enumeration(names_of(Release::kNone, Release::kOnCancel, Release::kAfterStop)), false,
           "Whether a holder that stops blanks the record: never (none), at once when it stops "
           "leading (on-cancel, client-go's ReleaseOnCancel), or once its work has stopped "
           "(after-stop).",
           nullptr},
          {"stop_latency", c.d_nonneg, false,
           "How long the holder's guarded work keeps running after it stops leading.", nullptr},
          {"deadline", b.enumeration(names_of(Deadline::kSuccess, Deadline::kRound)), false,
           "The holder's renew deadline: last success + retry_period + renew_deadline, checked "
           "at every step (success), or renew_deadline from each round's start (round, "
           "client-go: a pause between rounds restarts it).",
           nullptr},
          {"anchor", b.enumeration(names_of(Anchor::kSend, Anchor::kReceipt)), false,
           "Where a holder's success counts from: the start of the successful attempt (send), or "
           "the reply's arrival (receipt, client-go: a reply held up by a pause or the network "
           "stretches the deadline past what candidates count).",
           nullptr},
          {"observe", b.enumeration(names_of(Observe::kVersion, Observe::kSpec)), false,
           "What restarts a candidate's wait: any write of the record (version), or a change of "
           "its contents (spec, client-go: a renewal that writes what the last one did, after "
           "the holder's wall clock stepped back, is not seen).",
           nullptr},
          {"reads", b.enumeration(names_of(Reads::kBarrier, Reads::kLeader, Reads::kAny)), false,
           "Who answers a Get: the leader after a read barrier (barrier), whoever believes it is "
           "leader from its state (leader), or any server (any).",
           nullptr},
          {"update", b.enumeration(names_of(Update::kCas, Update::kBlind)), false,
           "How the store applies an Update: compare-and-swap on the version at apply (cas), "
           "or whatever the version (blind).",
           nullptr},
      });
  t.format.protocol_fields = {
      {"preset", b.enumeration(presets), false, "The preset bundle of knob values.", "safe"},
      {"knobs", t.knobs, false, "Overrides of individual knobs.", nullptr},
  };
  {
    std::vector<Field> fields = {{"name", c.any_string, false, "The protocol.", nullptr}};
    fields.insert(fields.end(), t.format.protocol_fields.begin(), t.format.protocol_fields.end());
    t.protocol = b.object("The protocol and its variant.", std::move(fields));
  }

  // --- kv ----------------------------------------------------------------
  t.kv = raft::build_core_block(
      b, {.key = "kv",
          .description =
              "The key-value store (Raft servers) that keeps one Lease record per resource.",
          .max_append_entries = false,
          .pre_vote = true,
          .extra = {{"check_quorum",
                     b.enumeration(enum_names({raft::QuorumCheck::kOff, raft::QuorumCheck::kTick,
                                               raft::QuorumCheck::kDeadline})),
                     false,
                     "How a store leader steps down without a majority (raft-lease's "
                     "check_quorum).",
                     "tick"}}});

  // --- election -----------------------------------------------------------
  t.election = b.object(
      "The leader election timings every elector uses (client-go LeaderElectionConfig).",
      {
          {"lease_duration", c.d_pos, false,
           "How long a candidate waits, on its own clock, after it last saw the record change "
           "before it takes over; written into the record.",
           "15s"},
          {"renew_deadline", c.d_pos, false,
           "How long a holder keeps trying to renew before it gives up leadership.", "10s"},
          {"retry_period", c.d_interval, false,
           "How long electors wait between attempts (candidates, and a holder between renewals).",
           "2s"},
          {"jitter", c.d_nonneg, false,
           "The most extra wait, drawn uniformly, between a candidate's attempts. Default: 1.2 x "
           "retry_period (client-go's JitterFactor).",
           nullptr},
          {"request_timeout", c.d_interval, false,
           "An unanswered request fails its attempt after this (and the elector tries the next "
           "server).",
           "1s"},
          {"fast_path", c.boolean, false,
           "A holder renews with its cached version without reading first (client-go since "
           "2023).",
           true},
      });

  // --- electors -----------------------------------------------------------
  t.range = b.object("A range drawn uniformly.",
                     {
                         {"min", c.d_nonneg, true, "Lower bound.", nullptr},
                         {"max", c.d_nonneg, true, "Upper bound (>= min).", nullptr},
                     });
  Type hold_word = *c.d_pos;
  hold_word.values = {"forever"};
  hold_word.expected = "a duration like \"5s\" or \"forever\"";
  hold_word.description = "A positive duration up to 720h, or \"forever\".";
  const Type* d_hold = b.add(hold_word);
  Type all_t = *b.enumeration({"all"});
  all_t.expected = "\"all\" or an array of resource names";
  const Type* all = b.add(all_t);
  const Type* resource_names =
      b.array(c.name, "resources", 1, lim::kMaxResources, true, "an array of resource names");
  Type el = *b.object(
      "A group of electors with one configuration. Name it with exactly one of name, names or "
      "count (+ prefix).",
      {
          {"name", c.name, false, "One elector's name.", nullptr},
          {"names", b.array(c.name, "names", 1, lim::kMaxRequestors, true, "an array of names"),
           false, "Several electors' names.", nullptr},
          {"count", b.integer(1, 10000, "an elector count from 1 to 10000"), false,
           "How many electors, named prefix1..prefixN.", nullptr},
          {"prefix", c.name, false, "The name prefix for count.", "c"},
          {"resources", b.one_of("\"all\" or an array of resource names", {all, resource_names}),
           false, "The resources these electors campaign for (one election each).", "all"},
          {"start", c.d_nonneg, false, "Delay before the first campaign.", "0s"},
          {"hold",
           b.one_of("a duration like \"5s\", \"forever\" or {\"min\": \"2s\", \"max\": \"10s\"}",
                    {d_hold, t.range}),
           false, "How long a leader leads before it stops by itself.", "forever"},
          {"rejoin",
           b.one_of("a duration like \"1s\" or {\"min\": \"0s\", \"max\": \"1s\"}",
                    {c.d_nonneg, t.range}),
           false, "Pause after leadership ends (or a restart) before campaigning again.", "1s"},
      });
  el.def_name = "elector_group";
  el.exactly_one = {{"name", "names", "count"}};
  el.needs = {{"prefix", "count"}};
  t.elector = b.add(el);
  const Type* electors =
      b.array(t.elector, "elector groups", 1, 10000, false, "an array of elector groups");

  t.format.requestors_key = "electors";
  t.format.servers_key = "kv";
  t.format.top_keys = {
      {{"kv", t.kv.block, false, "The key-value store.", nullptr}, "protocol"},
      {{"election", t.election, false, "The election timings.", nullptr}, "kv"},
      {{"electors", electors, false,
        "The electors. Default: two electors, \"alice\" and \"bob\", with every default.", nullptr},
       "resources"},
  };
}

}  // namespace

const Tables& tables() {
  static const Built* const built = new Built();  // never destroyed: types point into it
  return built->t;
}

}  // namespace leasesim::kv_lease::block
