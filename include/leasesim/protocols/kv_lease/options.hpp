// kv-lease's knobs and presets: the variants of a lease record kept in a
// linearizable key-value store and judged by its clients (Kubernetes
// client-go leader election on a coordination.k8s.io Lease). docs/protocols.md
// explains each knob and the assumptions under which each preset is safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "leasesim/core/time.hpp"

namespace leasesim::kv_lease {

// What a candidate compares to decide that the holder's lease has expired.
enum class ExpiryBasis : uint8_t {
  kObserved,  // client-go: the record unchanged for its lease_duration on the
              // candidate's own monotonic clock since the candidate first saw it
  kRecord,    // the record's renew_time (the holder's wall clock) + lease_duration
              // against the candidate's wall clock: skewed clocks double-grant
};

// Which timings the elector accepts (a scenario outside them is invalid).
enum class TimingCheck : uint8_t {
  kStrict,    // lease_duration > renew_deadline + retry_period (the real slack)
  kClientGo,  // client-go's NewLeaderElector: lease_duration > renew_deadline
              // > 1.2 x retry_period (accepts 15s/14s/2s, which overlaps)
  kOff,       // anything, renew_deadline >= lease_duration included
};

// When a holder that stops (its hold ends) blanks the record so that
// candidates take over without waiting a lease_duration.
enum class Release : uint8_t {
  kNone,       // ReleaseOnCancel = false: successors wait lease_duration
  kOnCancel,   // client-go ReleaseOnCancel: at once, even while the guarded work
               // is still running (it keeps running for stop_latency)
  kAfterStop,  // only once the guarded work has stopped
};

// How a holder's renew deadline is measured.
enum class Deadline : uint8_t {
  kSuccess,  // at last success + retry_period + renew_deadline, checked at every
             // step: a pause past it ends leadership
  kRound,    // client-go: each renew round gets renew_deadline from its start, so
             // a pause during the wait between rounds restarts a full deadline
};

// What restarts a candidate's wait (its observedTime).
enum class Observe : uint8_t {
  kVersion,  // any write: a new version of the record, whatever it says
  kSpec,     // client-go: a change of the record's contents. A renewal that
             // writes what the last one did (the holder's wall clock stepped
             // back by its renew interval) is not seen, and the candidate
             // takes over early
};

// Where a holder's success counts from (its deadline, and at acquisition
// its first round's).
enum class Anchor : uint8_t {
  kSend,     // the start of the successful attempt: the write was applied after
             // it, so every candidate saw it after it, however late the reply
  kReceipt,  // client-go: the reply's arrival (observedTime = now): a reply held
             // up by the network or a pause of the holder stretches its deadline
             // past what the candidates count
};

// Who answers a read (Get) of the record.
enum class Reads : uint8_t {
  kBarrier,  // the leader, after a read barrier (ReadIndex): linearizable
  kLeader,   // whoever believes it is leader, from its applied state at once
             // (a deposed leader answers stale reads)
  kAny,      // any server, from its applied state (serializable, like a
             // resourceVersion="0" read)
};

// How the store applies an Update.
enum class Update : uint8_t {
  kCas,    // compare-and-swap on the version, evaluated at apply
  kBlind,  // written whatever the version (a PATCH without precondition)
};

struct Knobs {
  ExpiryBasis expiry_basis = ExpiryBasis::kObserved;
  TimingCheck timing_check = TimingCheck::kStrict;
  Release release = Release::kAfterStop;
  Duration stop_latency = Duration::zero();  // guarded work runs on this long after a stop
  Deadline deadline = Deadline::kSuccess;
  Anchor anchor = Anchor::kSend;
  Observe observe = Observe::kVersion;
  Reads reads = Reads::kBarrier;
  Update update = Update::kCas;
  bool operator==(const Knobs&) const = default;
};

const char* to_string(ExpiryBasis v);
const char* to_string(TimingCheck v);
const char* to_string(Release v);
const char* to_string(Deadline v);
const char* to_string(Anchor v);
const char* to_string(Observe v);
const char* to_string(Reads v);
const char* to_string(Update v);

// The presets, in documentation order ("safe" first: the default).
std::span<const std::string_view> preset_names();
// The knobs of a preset; false for an unknown name.
bool preset_knobs(std::string_view preset, Knobs* out);

}  // namespace leasesim::kv_lease
