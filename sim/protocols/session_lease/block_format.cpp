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
  const Type* boolean = c.boolean;
  std::vector<std::string> presets;
  for (const std::string_view p : preset_names()) presets.emplace_back(p);

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

  t.requestors =
      workload::group_types(b,
                            {.one = "client",
                             .many = "clients",
                             .wanted = "lock",
                             .held = "lock",
                             .def_name = "session_client_group",
                             .start = "Delay before the first want (the session opens at once).",
                             .cycle = false},
                            {});

  t.format.top_keys = {
      {{"core", t.core.block, false, "The consistent core.", nullptr}, "protocol"},
      {{"session", t.session, false, "Session timing.", nullptr}, "core"},
      {{"requestors", t.requestors.list, false,
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
