// raft-lease's scenario block as data: the protocol fields (preset,
// knobs) and the `core`, `lease` and `requestors` keys, with the same
// types, limits, defaults and descriptions the loader and `leasesim schema`
// have always used (docs/scenario-format.md).
#include <string>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"

namespace leasesim::raft_lease::block {

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

  t.format.protocol_fields = {
      {"preset", b.enumeration(presets), false, "The preset bundle of knob values.", "seed"},
      {"knobs", t.knobs, false, "Overrides of individual knobs.", nullptr},
  };
  {
    std::vector<Field> fields = {{"name", c.any_string, false, "The protocol.", nullptr}};
    fields.insert(fields.end(), t.format.protocol_fields.begin(), t.format.protocol_fields.end());
    t.protocol = b.object("The protocol and its variant.", std::move(fields));
  }

  // --- core ------------------------------------------------------------
  t.core = raft::build_core_block(b, {.key = "core",
                                      .description = "The consistent core (the Raft servers).",
                                      .max_append_entries = true,
                                      .pre_vote = true,
                                      .extra = {}});

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

  // --- requestors ------------------------------------------------------
  const workload::GroupWords words{.one = "requestor",
                                   .many = "requestors",
                                   .wanted = "resource",
                                   .held = "lease",
                                   .def_name = "requestor_group",
                                   .start = "Delay before the first request.",
                                   .cycle = true};
  t.requestors = workload::group_types(
      b, words,
      {
          {"ttl", d_pos, false, "The ttl asked for. Default: lease.ttl.", nullptr},
          {"renew_every", d_interval, false, "Renewal interval. Default: lease.renew_every.",
           nullptr},
          {"request_timeout", d_interval, false, "Resend an unanswered request after this.", "1s"},
      });

  t.format.top_keys = {
      {{"core", t.core.block, false, "The consistent core.", nullptr}, "protocol"},
      {{"lease", t.lease, false, "Lease defaults.", nullptr}, "core"},
      {{"requestors", t.requestors.list, false,
        "The requestors. Default: one requestor \"alice\" with every default.", nullptr},
       "resources"},
  };
}

}  // namespace

const Tables& tables() {
  static const Built* const built = new Built();  // never destroyed: types point into it
  return built->t;
}

}  // namespace leasesim::raft_lease::block
