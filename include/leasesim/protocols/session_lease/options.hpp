// session-lease's knobs and presets: Chubby/ZooKeeper-style sessions
// (Burrows, OSDI 2006, sections 2.4, 2.8, 2.9; ZooKeeper's session model).
//
// A client holds a session the core keeps alive while KeepAlives arrive; a
// lock belongs to a session and is freed when the session expires. The
// server judges expiry on its own monotonic clock; the client keeps its own
// estimate (the *local lease timeout* C) and, when C passes without a
// KeepAlive answered, enters *jeopardy* and waits a grace period for a new
// master. Every knob is a choice a real client or server made;
// docs/protocols.md (## session-lease) explains each and the failure it
// opens. Presets only bundle knob values.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "leasesim/core/time.hpp"
#include "leasesim/raft/config.hpp"

namespace leasesim::session_lease {

// How the client computes its local lease timeout C from a KeepAlive answer.
enum class LocalTimeout : uint8_t {
  kConservative,  // C = send of the answered KeepAlive + timeout * (1 - rho) - margin (Chubby)
  kReceipt,       // C = receipt of the answer + timeout (no flight time, no drift: unsafe)
  kNone,          // no local timeout: the client trusts its session until told it expired
};

// What a holder does when C passes (jeopardy).
enum class Jeopardy : uint8_t {
  kStop,  // stops acting as holder at C; acts again if a KeepAlive succeeds (Chubby's API
          // blocking; Curator's standard policy on SUSPENDED)
  kHold,  // keeps acting through the grace period (an application that ignores jeopardy)
};

// Who declares a session expired to the client.
enum class ExpiryJudge : uint8_t {
  kClient,  // the client itself, at C + grace (Chubby)
  kServer,  // only a server, when the client reaches one again (ZooKeeper before 3.9.3)
};

using raft::QuorumCheck;

struct SequencerOptions {
  bool check = false;
  Duration window = milliseconds(250);
};

struct Options {
  LocalTimeout local_timeout = LocalTimeout::kConservative;
  int64_t drift_ppm = 2000;            // rho of the conservative timeout
  Duration margin = Duration::zero();  // subtracted from a conservative C
  Jeopardy jeopardy = Jeopardy::kStop;
  Duration grace = seconds(5);
  ExpiryJudge expiry = ExpiryJudge::kClient;
  // After a session expiry frees a lock, the core grants it to no one for
  // this long (Chubby's lock-delay; a release frees it at once). A new
  // master, which cannot tell when earlier expiries happened, grants
  // nothing for this long after it becomes ready. Zero: off.
  Duration lock_delay = Duration::zero();
  SequencerOptions sequencer;  // storage validates writes' sequencers with the core
  bool fencing = false;        // storage rejects generations below the highest accepted
  QuorumCheck check_quorum = QuorumCheck::kDeadline;
};

// The client's local lease timeout for an answer to a KeepAlive (or session
// open) sent at `sent` and received at `received`, for a session `timeout`.
// TimePoint::max() for LocalTimeout::kNone.
TimePoint local_deadline(const Options& o, TimePoint sent, TimePoint received, Duration timeout);

// The presets, in documentation order; false for an unknown name.
std::span<const std::string_view> preset_names();
bool preset_options(std::string_view name, Options* out);

const char* to_string(LocalTimeout v);
const char* to_string(Jeopardy v);
const char* to_string(ExpiryJudge v);
using raft::to_string;

}  // namespace leasesim::session_lease
