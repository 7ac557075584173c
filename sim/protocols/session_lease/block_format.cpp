// session-lease's scenario block as data: the protocol fields (preset,
// knobs) and the `core`, `session` and `requestors` keys, with types,
// limits, defaults and descriptions (docs/scenario-format.md#session-lease).
#include <string>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"

namespace leasesim::session_lease::block {

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
  const Type* d_pos = c.d_pos;
  const Type* d_interval = c.d_interval;
  const Type* d_nonneg = c.d_nonneg;
  const Type* name = c.name;
  const Type* boolean = c.boolean;
  const Type* u32 = c.u32;
  Type write_every = *b.duration(lim::kMinInterval, lim::kMaxDuration);
  write_every.zero_or_min = true;
  write_every.description = "0s, or a duration from 1us to 720h.";
  const Type* d_write = b.add(write_every);
  Type hold_word = *d_pos;
  hold_word.values = {"forever"};
  hold_word.expected = "a duration like \"5s\" or \"forever\"";
  hold_word.description = "A positive duration up to 720h, or \"forever\".";
  const Type* d_hold = b.add(hold_word);
  std::vector<std::string> presets;
  for (const std::string_view p : preset_names()) presets.emplace_back(p);
  const Type* resource_names =
      b.array(name, "resources", 1, lim::kMaxResources, true, "an array of resource names");

  t.sequencer = b.object(
      "Sequencer checking: storage validates each write's sequencer (lock generation) with the "
      "core before accepting it. Keys left out keep the preset's value.",
      {
          {"check", boolean, false, "Whether storage asks the core before accepting a write.",
           nullptr},
          {"window", d_pos, false,
           "The validity window of a positive answer: the core grants the lock to no one for "
           "this long after answering.",
           nullptr},
      });
  t.knobs = b.object(
      "Knob overrides on top of the preset; each key is optional (docs/protocols.md).",
      {
          {"local_timeout",
           b.enumeration(enum_names(
               {LocalTimeout::kConservative, LocalTimeout::kReceipt, LocalTimeout::kNone})),
           false,
           "The client's local lease timeout C: conservative (KeepAlive send + timeout scaled "
           "by 1 - drift_ppm/1e6, minus margin), receipt (answer receipt + timeout) or none "
           "(the client trusts its session until told it expired).",
           nullptr},
          {"drift_ppm", b.integer(0, lim::kMaxDriftPpm, "an integer from 0 to 100000"), false,
           "The clock drift bound rho of a conservative timeout, in parts per million.", nullptr},
          {"margin", d_nonneg, false, "Subtracted from a conservative timeout.", nullptr},
          {"jeopardy", b.enumeration(enum_names({Jeopardy::kStop, Jeopardy::kHold})), false,
           "What a holder does when C passes: stop acting until a KeepAlive succeeds, or hold "
           "on through the grace period.",
           nullptr},
          {"grace", d_pos, false, "How long a client in jeopardy waits for a new master.", nullptr},
          {"expiry", b.enumeration(enum_names({ExpiryJudge::kClient, ExpiryJudge::kServer})), false,
           "Who declares a session expired to its client: the client itself at C + grace, or "
           "only a server when the client reaches one (ZooKeeper).",
           nullptr},
          {"lock_delay", d_nonneg, false,
           "Chubby's lock-delay: after a session expiry frees a lock, the core grants it to no "
           "one for this long; 0s: off.",
           nullptr},
          {"sequencer", t.sequencer, false, "Sequencer checking by storage.", nullptr},
          {"fencing", boolean, false,
           "Whether storage rejects a generation below the highest it accepted.", nullptr},
          {"check_quorum",
           b.enumeration(
               enum_names({QuorumCheck::kOff, QuorumCheck::kTick, QuorumCheck::kDeadline})),
           false, "How the core's leader steps down without a majority (raft-lease's knob).",
           nullptr},
      });
  t.format.protocol_fields = {
      {"preset", b.enumeration(presets), false, "The preset bundle of knob values.", "chubby"},
      {"knobs", t.knobs, false, "Overrides of individual knobs.", nullptr},
  };
  {
    std::vector<Field> fields = {{"name", c.any_string, false, "The protocol.", nullptr}};
    fields.insert(fields.end(), t.format.protocol_fields.begin(), t.format.protocol_fields.end());
    t.protocol = b.object("The protocol and its variant.", std::move(fields));
  }

  t.core = raft::build_core_block(
      b, {.key = "core",
          .description = "The consistent core (Chubby's master and replicas, as Raft servers).",
          .max_append_entries = true,
          .pre_vote = true,
          .extra = {}});

  t.session = b.object(
      "Sessions: their timeout at the server and how clients keep them alive.",
      {
          {"timeout", d_pos, false,
           "The session lease: the master expires a session this long after its last "
           "extension, on its own monotonic clock.",
           "3s"},
          {"keepalive_every", d_interval, false,
           "How often a client sends a KeepAlive. Default: timeout / 3.", nullptr},
          {"request_timeout", d_interval, false,
           "A client resends an unanswered request (to the next server) after this.", "500ms"},
      });

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
      "A group of clients with one configuration. Name it with exactly one of name, names or "
      "count (+ prefix).",
      {
          {"name", name, false, "One client's name.", nullptr},
          {"names", b.array(name, "names", 1, lim::kMaxRequestors, true, "an array of names"),
           false, "Several clients' names.", nullptr},
          {"count", b.integer(1, lim::kMaxRequestors, "a requestor count from 1 to 1000000"), false,
           "How many clients, named prefix1..prefixN.", nullptr},
          {"prefix", name, false, "The name prefix for count.", "c"},
          {"resources", b.one_of("\"all\" or an array of resource names", {all, resource_names}),
           false, "The locks these clients want.", "all"},
          {"choice", b.enumeration({"fixed", "random"}), false,
           "Which lock to want next. Default: fixed with one resource, else random.", nullptr},
          {"start", d_nonneg, false, "Delay before the first want (the session opens at once).",
           "0s"},
          {"hold",
           b.one_of("a duration like \"5s\", \"forever\" or {\"min\": \"2s\", \"max\": \"10s\"}",
                    {d_hold, t.hold_range}),
           false, "How long to hold a lock before releasing it.",
           json{{"min", "2s"}, {"max", "10s"}}},
          {"think", d_range, false, "Pause between a release and the next want.",
           json{{"min", "0s"}, {"max", "1s"}}},
          {"backoff", d_range, false, "Pause after a refused acquire.",
           json{{"min", "500ms"}, {"max", "1500ms"}}},
          {"write_every", d_write, false,
           "Interval between writes to storage while holding; 0s: no writes. Any writer makes "
           "the storage node exist.",
           "0s"},
          {"check_to_write", d_nonneg, false, "Delay between the holder's check and its write.",
           "1ms"},
          {"max_holds", u32, false, "Stop after this many holds; 0: unlimited.", 0},
      });
  req.def_name = "session_client_group";
  req.exactly_one = {{"name", "names", "count"}};
  req.needs = {{"prefix", "count"}};
  t.requestor = b.add(req);
  const Type* requestors = b.array(t.requestor, "client groups", 0, lim::kMaxRequestors, false,
                                   "an array of client groups");

  t.format.top_keys = {
      {{"core", t.core.block, false, "The consistent core.", nullptr}, "protocol"},
      {{"session", t.session, false, "Session timing.", nullptr}, "core"},
      {{"requestors", requestors, false,
        "The clients. Default: one client \"alice\" with every default.", nullptr},
       "resources"},
  };
}

}  // namespace

const Tables& tables() {
  static const Built* const built = new Built();  // never destroyed: types point into it
  return built->t;
}

}  // namespace leasesim::session_lease::block
