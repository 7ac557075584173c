// Record kinds the world itself emits: message traffic, timers, faults and
// clock changes. Field layouts (f0..):
//   kSend       to(node), type(msg), id, resource            a node sent a message
//   kDeliver    from(node), type(msg), id, resource          a message reached its node
//   kDrop       peer(node: destination), type(msg), id, reason(DropReason)
//   kTimer      kind, arg                                    a node's timer fired
//   kCrash      -                                            node crashed (volatile state lost)
//   kRestart    -                                            node restarted from its disk
//   kPause      duration                                     node paused (stop-the-world)
//   kResume     -                                            node resumed
//   kPartition  groups                                       a split into `groups` groups began
//   kGroupMember group, member(node)                         one node of the split (one record each)
//   kCut        from(node), to(node)                         one direction of a link cut
//   kIsolate    -                                            node isolated
//   kHeal       -                                            every partition removed
//   kClockStep  by, offset                                   wall clock stepped; offset = wall - true after
//   kDrift      ppb, offset                                  clock drift changed
//   kNetWindow  loss_ppm, duplicate_ppm, duration           network degradation began
//   kNetWindowEnd -
//   kFaultSkipped fault, why(SkipReason)                     a scripted fault could not apply
//                                                            (nothing of it was done)
//   kClockInit  offset, ppb                                  the node's clock as the run starts:
//                                                            wall - true and drift (mono reads 0
//                                                            at time 0); one per node, at time
//                                                            0, before anything else
//   kHeader     version, scenario, file, seed, protocol, preset
//                                                            the run's provenance (text fields
//                                                            are indices into the text table):
//                                                            the first record of every run, at
//                                                            time 0, no node (run_header.hpp)
//   kKnob       name, value, override(bool)                  one effective protocol knob; one
//                                                            per knob right after kHeader
//   kViolation  kind(ViolationKind), resource, first(node), second(node), from, to
//                                                            a violation the checker settled
//                                                            (final interval), followed at once by
//   kViolationDetail number, first_lease, second_lease, token, first_at_end, second_at_end
//                                                            its place in the report's list and
//                                                            what its summary needs besides
//   kBeliefInterval resource, lease, holder(node), token, from, to
//                                                            one segment of a belief's union: the
//                                                            holder believed it held `lease` in
//                                                            true time [from, to). Emitted when
//                                                            the checker finalises it (possibly
//                                                            later than `to`), run-wide (no node)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "leasesim/core/trace.hpp"

namespace leasesim::world_rec {

inline constexpr uint16_t kSend = kind_range::kWorld + 0;
inline constexpr uint16_t kDeliver = kind_range::kWorld + 1;
inline constexpr uint16_t kDrop = kind_range::kWorld + 2;
inline constexpr uint16_t kTimer = kind_range::kWorld + 3;
inline constexpr uint16_t kCrash = kind_range::kWorld + 4;
inline constexpr uint16_t kRestart = kind_range::kWorld + 5;
inline constexpr uint16_t kPause = kind_range::kWorld + 6;
inline constexpr uint16_t kResume = kind_range::kWorld + 7;
inline constexpr uint16_t kPartition = kind_range::kWorld + 8;
inline constexpr uint16_t kGroupMember = kind_range::kWorld + 9;
inline constexpr uint16_t kCut = kind_range::kWorld + 10;
inline constexpr uint16_t kIsolate = kind_range::kWorld + 11;
inline constexpr uint16_t kHeal = kind_range::kWorld + 12;
inline constexpr uint16_t kClockStep = kind_range::kWorld + 13;
inline constexpr uint16_t kDrift = kind_range::kWorld + 14;
inline constexpr uint16_t kNetWindow = kind_range::kWorld + 15;
inline constexpr uint16_t kNetWindowEnd = kind_range::kWorld + 16;
inline constexpr uint16_t kFaultSkipped = kind_range::kWorld + 17;
inline constexpr uint16_t kClockInit = kind_range::kWorld + 18;
inline constexpr uint16_t kHeader = kind_range::kWorld + 19;
inline constexpr uint16_t kKnob = kind_range::kWorld + 20;
inline constexpr uint16_t kViolation = kind_range::kCheck + 0;
inline constexpr uint16_t kBeliefInterval = kind_range::kCheck + 1;
inline constexpr uint16_t kViolationDetail = kind_range::kCheck + 2;

enum class SkipReason : uint8_t {
  kNoLeader,        // "leader" but no server is leader now
  kNoHolder,        // "holder:X" but nobody holds X now
  kNotCrashed,      // restart of a running node
  kAlreadyCrashed,  // crash/pause of a crashed node
  kSelfLink,        // a cut whose two ends resolve to one node (n3 -> "leader" while n3 leads)
  kEmptyGroup,      // a partition group left with no node once roles resolved (and repeats
                    // went to their first group): a split into fewer groups than scripted
  kCount,
};
inline constexpr size_t kSkipReasons = static_cast<size_t>(SkipReason::kCount);
const char* to_string(SkipReason why);  // the trace's name: "no_leader", "self_link", ...

std::span<const KindDesc> kinds();

}  // namespace leasesim::world_rec
