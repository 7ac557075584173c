#include "leasesim/protocols/session_lease/options.hpp"

#include <array>

#include "leasesim/core/int128.hpp"

namespace leasesim::session_lease {

TimePoint local_deadline(const Options& o, TimePoint sent, TimePoint received, Duration timeout) {
  switch (o.local_timeout) {
    case LocalTimeout::kConservative: {
      // timeout * rho in integer nanoseconds, rounded up so the margin is
      // never smaller than the bound promises.
      const int128_t num = static_cast<int128_t>(timeout.ns()) * o.drift_ppm;
      const int64_t drift = static_cast<int64_t>((num + 999'999) / 1'000'000);
      return sent + timeout - Duration(drift) - o.margin;
    }
    case LocalTimeout::kReceipt:
      return received + timeout;
    case LocalTimeout::kNone:
      return TimePoint::max();
  }
  return sent + timeout;
}

namespace {

constexpr std::array<std::string_view, 6> kPresetNames = {
    "chubby", "zookeeper", "trusting", "ignore-jeopardy", "zookeeper-lost", "unfenced"};

}  // namespace

std::span<const std::string_view> preset_names() {
  return kPresetNames;
}

bool preset_options(std::string_view name, Options* out) {
  // The safe base: Chubby as the paper describes it, with storage checking
  // sequencers and fencing on generations.
  Options o;
  o.local_timeout = LocalTimeout::kConservative;
  o.drift_ppm = 2000;
  o.margin = Duration::zero();
  o.jeopardy = Jeopardy::kStop;
  o.grace = seconds(5);
  o.expiry = ExpiryJudge::kClient;
  o.lock_delay = seconds(1);
  o.sequencer = SequencerOptions{true, milliseconds(250)};
  o.fencing = true;
  o.check_quorum = QuorumCheck::kDeadline;
  if (name == "chubby") {
  } else if (name == "zookeeper") {
    // The server alone declares a session expired; the client suspends at
    // its own conservative timeout (Curator's standard error policy). No
    // lock-delay in ZooKeeper.
    o.expiry = ExpiryJudge::kServer;
    o.lock_delay = Duration::zero();
  } else if (name == "trusting") {
    o.local_timeout = LocalTimeout::kNone;  // trusts the session until told
  } else if (name == "ignore-jeopardy") {
    // Acts through a grace period longer than anything the core keeps the
    // lock for after the session expires.
    o.jeopardy = Jeopardy::kHold;
    o.lock_delay = Duration::zero();
  } else if (name == "zookeeper-lost") {
    // Acts until a server says Expired (on reconnect).
    o.expiry = ExpiryJudge::kServer;
    o.jeopardy = Jeopardy::kHold;
    o.lock_delay = Duration::zero();
  } else if (name == "unfenced") {
    // Locks protect beliefs, not writes: no sequencer check, no fencing,
    // no lock-delay.
    o.sequencer.check = false;
    o.fencing = false;
    o.lock_delay = Duration::zero();
  } else {
    return false;
  }
  *out = o;
  return true;
}

const char* to_string(LocalTimeout v) {
  switch (v) {
    case LocalTimeout::kConservative:
      return "conservative";
    case LocalTimeout::kReceipt:
      return "receipt";
    case LocalTimeout::kNone:
      return "none";
  }
  return "?";
}
const char* to_string(Jeopardy v) {
  return v == Jeopardy::kStop ? "stop" : "hold";
}
const char* to_string(ExpiryJudge v) {
  return v == ExpiryJudge::kClient ? "client" : "server";
}

}  // namespace leasesim::session_lease
