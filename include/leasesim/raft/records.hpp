// Records the Raft core emits beside the common observations (role,
// leader_ready, committed, snapshot). Their kinds are the first private
// kinds (obs::kProtocolPrivate + 0, + 1); a protocol built on the core
// numbers its own from kFirstProtocolKind. Future core kinds take numbers
// from obs::kProtocolPrivate + 0x30 down, so no protocol's change.
#pragma once

#include <cstdint>
#include <iterator>
#include <span>

#include "leasesim/core/trace.hpp"
#include "leasesim/protocol/observations.hpp"

namespace leasesim::raft {

enum class StepDownReason : uint8_t { kHigherTerm, kLostQuorum, kCount };
inline constexpr const char* kStepDownReasonNames[] = {"higher_term", "lost_quorum"};
static_assert(std::size(kStepDownReasonNames) == static_cast<size_t>(StepDownReason::kCount));

// A server answered a vote request.
struct Vote {
  static constexpr uint16_t kKind = obs::kProtocolPrivate + 0;
  static constexpr KindDesc kDesc{
      kKind, "vote", 3, {fd::uint("term"), fd::node("candidate"), fd::flag("granted")}};
  Term term = 0;
  NodeId candidate = kInvalidNode;
  bool granted = false;
  void encode(Record& r) const {
    r.f[0] = term;
    r.f[1] = candidate;
    r.f[2] = field_of(granted);
  }
  static Vote decode(const Record& r) { return {r.f[0], static_cast<NodeId>(r.f[1]), r.f[2] != 0}; }
};

// A leader stepped down.
struct StepDown {
  static constexpr uint16_t kKind = obs::kProtocolPrivate + 1;
  static constexpr KindDesc kDesc{
      kKind, "step_down", 2, {fd::uint("term"), fd::enumeration("reason", kStepDownReasonNames)}};
  Term term = 0;
  StepDownReason reason = StepDownReason::kHigherTerm;
  void encode(Record& r) const {
    r.f[0] = term;
    r.f[1] = field_of(reason);
  }
  static StepDown decode(const Record& r) { return {r.f[0], field_enum<StepDownReason>(r.f[1])}; }
};

// The first record kind a protocol on this core may use.
inline constexpr uint16_t kFirstProtocolKind = obs::kProtocolPrivate + 2;

// The core's kinds, for the trace schema (a module lists them with its own).
std::span<const KindDesc> record_kinds();

}  // namespace leasesim::raft
