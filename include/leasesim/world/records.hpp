// Record kinds the world itself emits: message traffic, timers, faults,
// clock changes, and the checker's verdicts. One struct per kind with its
// descriptor and codec (core/trace.hpp's typed records); the world emits
// them, readers decode them with decode_as<T>.
//
// Notes on meaning:
//   Drop        `to` is the destination (the record's node is the sender).
//   GroupMember one record per node of a split, after the Partition record.
//   ClockStep   offset = wall - true after the step.
//   FaultSkipped a scripted fault could not apply (nothing of it was done).
//   ClockInit   the node's clock as the run starts: wall - true and drift
//               (mono reads 0 at time 0); one per node, at time 0, before
//               anything else.
//   Header      the run's provenance (text fields are indices into the text
//               table): the first record of every run, at time 0, no node
//               (run_header.hpp). One Knob record per effective protocol
//               knob follows at once.
//   ViolationFound a violation the checker settled (final interval),
//               run-wide (no node); its ViolationDetail follows at once.
//   BeliefInterval one segment of a belief's union: the holder believed it
//               held `lease` in true time [from, to). Emitted when the
//               checker finalises it (possibly later than `to`), run-wide
//               (no node).
//   RunEnd      the run's end (true time, no node) and why it ended: the
//               last line of a trace, written after every other record.
//               Counted among the run's records, but not part of the trace
//               hash (trace_hash.hpp).
//
// The `type` field of Send/Deliver/Drop names the protocol's message type;
// its names are the run's protocol's (kinds(message_names)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <vector>

#include "leasesim/core/ids.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim::world_rec {

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
inline constexpr const char* kSkipReasonNames[] = {"no_leader",       "no_holder", "not_crashed",
                                                   "already_crashed", "self_link", "empty_group"};
static_assert(std::size(kSkipReasonNames) == kSkipReasons);
const char* to_string(SkipReason why);  // the trace's name: "no_leader", "self_link", ...

// Names of check/violation.hpp's ViolationKind, in its order (the checker's
// own table is the authority; a test keeps the two equal).
inline constexpr const char* kViolationKindNames[] = {"overlap", "stale_write", "latent_overlap",
                                                      "election_safety", "committed_changed"};
// Names of world/world.hpp's EndReason, in its order: the tokens results
// files and JSON reports use too (report/verdict.hpp's end_name()).
inline constexpr const char* kEndReasonNames[] = {
    "completed", "quiescent", "violation", "event_budget", "timeout", "pending_limit", "cancelled"};
// Names of net/network.hpp's DropReason, in its order.
inline constexpr const char* kDropNames[] = {"none", "partitioned", "lost", "crashed"};

namespace detail {
// The message type: the protocol's names are filled in by kinds(names).
inline constexpr FieldDesc msg_type() {
  return fd::enumeration("type", nullptr, 0);
}
}  // namespace detail

// A node sent a message.
struct Send {
  static constexpr uint16_t kKind = kind_range::kWorld + 0;
  static constexpr KindDesc kDesc{
      kKind,
      "send",
      4,
      {fd::node("to"), detail::msg_type(), fd::uint("id"), fd::resource("resource")}};
  NodeId to = kInvalidNode;
  uint16_t type = 0;
  uint64_t id = 0;
  uint32_t resource = UINT32_MAX;
  void encode(Record& r) const {
    r.f[0] = to;
    r.f[1] = type;
    r.f[2] = id;
    r.f[3] = resource;
  }
  static Send decode(const Record& r) {
    return {static_cast<NodeId>(r.f[0]), static_cast<uint16_t>(r.f[1]), r.f[2],
            static_cast<uint32_t>(r.f[3])};
  }
};

// A message reached its node.
struct Deliver {
  static constexpr uint16_t kKind = kind_range::kWorld + 1;
  static constexpr KindDesc kDesc{
      kKind,
      "deliver",
      4,
      {fd::node("from"), detail::msg_type(), fd::uint("id"), fd::resource("resource")}};
  NodeId from = kInvalidNode;
  uint16_t type = 0;
  uint64_t id = 0;
  uint32_t resource = UINT32_MAX;
  void encode(Record& r) const {
    r.f[0] = from;
    r.f[1] = type;
    r.f[2] = id;
    r.f[3] = resource;
  }
  static Deliver decode(const Record& r) {
    return {static_cast<NodeId>(r.f[0]), static_cast<uint16_t>(r.f[1]), r.f[2],
            static_cast<uint32_t>(r.f[3])};
  }
};

// A message was lost (`reason` is a DropReason).
struct Drop {
  static constexpr uint16_t kKind = kind_range::kWorld + 2;
  static constexpr KindDesc kDesc{
      kKind,
      "drop",
      4,
      {fd::node("to"), detail::msg_type(), fd::uint("id"), fd::enumeration("reason", kDropNames)}};
  NodeId to = kInvalidNode;
  uint16_t type = 0;
  uint64_t id = 0;
  uint8_t reason = 0;
  void encode(Record& r) const {
    r.f[0] = to;
    r.f[1] = type;
    r.f[2] = id;
    r.f[3] = reason;
  }
  static Drop decode(const Record& r) {
    return {static_cast<NodeId>(r.f[0]), static_cast<uint16_t>(r.f[1]), r.f[2],
            static_cast<uint8_t>(r.f[3])};
  }
};

// A node's timer fired.
struct Timer {
  static constexpr uint16_t kKind = kind_range::kWorld + 3;
  static constexpr KindDesc kDesc{kKind, "timer", 2, {fd::uint("timer"), fd::uint("arg")}};
  uint32_t timer = 0;
  uint64_t arg = 0;
  void encode(Record& r) const {
    r.f[0] = timer;
    r.f[1] = arg;
  }
  static Timer decode(const Record& r) { return {static_cast<uint32_t>(r.f[0]), r.f[1]}; }
};

// Kinds without fields.
template <uint16_t K>
struct Bare {
  static constexpr uint16_t kKind = K;
  void encode(Record&) const {}
  static Bare decode(const Record&) { return {}; }
};
// Node crashed (volatile state lost).
struct Crash : Bare<kind_range::kWorld + 4> {
  static constexpr KindDesc kDesc{kKind, "crash", 0, {}};
  static Crash decode(const Record&) { return {}; }
};
// Node restarted from its disk.
struct Restart : Bare<kind_range::kWorld + 5> {
  static constexpr KindDesc kDesc{kKind, "restart", 0, {}};
  static Restart decode(const Record&) { return {}; }
};

// Node paused (stop-the-world) for `duration`.
struct Pause {
  static constexpr uint16_t kKind = kind_range::kWorld + 6;
  static constexpr KindDesc kDesc{kKind, "pause", 1, {fd::duration("duration")}};
  Duration duration;
  void encode(Record& r) const { r.f[0] = field_of(duration); }
  static Pause decode(const Record& r) { return {field_duration(r.f[0])}; }
};

struct Resume : Bare<kind_range::kWorld + 7> {
  static constexpr KindDesc kDesc{kKind, "resume", 0, {}};
  static Resume decode(const Record&) { return {}; }
};

// A split into `groups` groups began (GroupMember records follow).
struct Partition {
  static constexpr uint16_t kKind = kind_range::kWorld + 8;
  static constexpr KindDesc kDesc{kKind, "partition", 1, {fd::uint("groups")}};
  uint64_t groups = 0;
  void encode(Record& r) const { r.f[0] = groups; }
  static Partition decode(const Record& r) { return {r.f[0]}; }
};

// One node of the split.
struct GroupMember {
  static constexpr uint16_t kKind = kind_range::kWorld + 9;
  static constexpr KindDesc kDesc{
      kKind, "group_member", 2, {fd::uint("group"), fd::node("member")}};
  uint64_t group = 0;
  NodeId member = kInvalidNode;
  void encode(Record& r) const {
    r.f[0] = group;
    r.f[1] = member;
  }
  static GroupMember decode(const Record& r) { return {r.f[0], static_cast<NodeId>(r.f[1])}; }
};

// One direction of a link cut.
struct Cut {
  static constexpr uint16_t kKind = kind_range::kWorld + 10;
  static constexpr KindDesc kDesc{kKind, "cut", 2, {fd::node("from"), fd::node("to")}};
  NodeId from = kInvalidNode;
  NodeId to = kInvalidNode;
  void encode(Record& r) const {
    r.f[0] = from;
    r.f[1] = to;
  }
  static Cut decode(const Record& r) {
    return {static_cast<NodeId>(r.f[0]), static_cast<NodeId>(r.f[1])};
  }
};

struct Isolate : Bare<kind_range::kWorld + 11> {
  static constexpr KindDesc kDesc{kKind, "isolate", 0, {}};
  static Isolate decode(const Record&) { return {}; }
};
// Every partition removed.
struct Heal : Bare<kind_range::kWorld + 12> {
  static constexpr KindDesc kDesc{kKind, "heal", 0, {}};
  static Heal decode(const Record&) { return {}; }
};

// The wall clock was stepped by `by`; `offset` = wall - true after.
struct ClockStep {
  static constexpr uint16_t kKind = kind_range::kWorld + 13;
  static constexpr KindDesc kDesc{
      kKind, "clock_step", 2, {fd::duration("by"), fd::duration("offset")}};
  Duration by;
  Duration offset;
  void encode(Record& r) const {
    r.f[0] = field_of(by);
    r.f[1] = field_of(offset);
  }
  static ClockStep decode(const Record& r) {
    return {field_duration(r.f[0]), field_duration(r.f[1])};
  }
};

// The clock's drift changed.
struct Drift {
  static constexpr uint16_t kKind = kind_range::kWorld + 14;
  static constexpr KindDesc kDesc{kKind, "drift", 2, {fd::sint("ppb"), fd::duration("offset")}};
  int64_t ppb = 0;
  Duration offset;
  void encode(Record& r) const {
    r.f[0] = field_of(ppb);
    r.f[1] = field_of(offset);
  }
  static Drift decode(const Record& r) { return {field_int(r.f[0]), field_duration(r.f[1])}; }
};

// A network degradation began.
struct NetWindow {
  static constexpr uint16_t kKind = kind_range::kWorld + 15;
  static constexpr KindDesc kDesc{
      kKind,
      "net_window",
      3,
      {fd::uint("loss_ppm"), fd::uint("duplicate_ppm"), fd::duration("duration")}};
  uint64_t loss_ppm = 0;
  uint64_t duplicate_ppm = 0;
  Duration duration;
  void encode(Record& r) const {
    r.f[0] = loss_ppm;
    r.f[1] = duplicate_ppm;
    r.f[2] = field_of(duration);
  }
  static NetWindow decode(const Record& r) { return {r.f[0], r.f[1], field_duration(r.f[2])}; }
};

struct NetWindowEnd : Bare<kind_range::kWorld + 16> {
  static constexpr KindDesc kDesc{kKind, "net_window_end", 0, {}};
  static NetWindowEnd decode(const Record&) { return {}; }
};

// Scripted fault number `fault` could not apply.
struct FaultSkipped {
  static constexpr uint16_t kKind = kind_range::kWorld + 17;
  static constexpr KindDesc kDesc{
      kKind, "fault_skipped", 2, {fd::uint("fault"), fd::enumeration("why", kSkipReasonNames)}};
  uint64_t fault = 0;
  SkipReason why = SkipReason::kNoLeader;
  void encode(Record& r) const {
    r.f[0] = fault;
    r.f[1] = field_of(why);
  }
  static FaultSkipped decode(const Record& r) { return {r.f[0], field_enum<SkipReason>(r.f[1])}; }
};

// The run's end: why it ended (an index into kEndReasonNames) and how many
// engine events it handled. Its time is the run's end, which may be later
// than its last event (a run that reaches its duration or --until).
struct RunEnd {
  static constexpr uint16_t kKind = kind_range::kWorld + 21;
  static constexpr KindDesc kDesc{
      kKind, "run_end", 2, {fd::enumeration("reason", kEndReasonNames), fd::uint("events")}};
  uint64_t reason = 0;
  uint64_t events = 0;
  void encode(Record& r) const {
    r.f[0] = reason;
    r.f[1] = events;
  }
  static RunEnd decode(const Record& r) { return {r.f[0], r.f[1]}; }
};

// A node's clock as the run starts.
struct ClockInit {
  static constexpr uint16_t kKind = kind_range::kWorld + 18;
  static constexpr KindDesc kDesc{
      kKind, "clock_init", 2, {fd::duration("offset"), fd::sint("ppb")}};
  Duration offset;
  int64_t ppb = 0;
  void encode(Record& r) const {
    r.f[0] = field_of(offset);
    r.f[1] = field_of(ppb);
  }
  static ClockInit decode(const Record& r) { return {field_duration(r.f[0]), field_int(r.f[1])}; }
};

// The run's provenance: version, scenario, file, protocol and preset are
// indices into the text table (name_table::kText), `seed` the run's seed.
struct Header {
  static constexpr uint16_t kKind = kind_range::kWorld + 19;
  static constexpr KindDesc kDesc{kKind,
                                  "header",
                                  6,
                                  {fd::text("version"), fd::text("scenario"), fd::text("file"),
                                   fd::uint("seed"), fd::text("protocol"), fd::text("preset")}};
  uint64_t version = 0;
  uint64_t scenario = 0;
  uint64_t file = 0;
  uint64_t seed = 0;
  uint64_t protocol = 0;
  uint64_t preset = 0;
  void encode(Record& r) const {
    r.f[0] = version;
    r.f[1] = scenario;
    r.f[2] = file;
    r.f[3] = seed;
    r.f[4] = protocol;
    r.f[5] = preset;
  }
  static Header decode(const Record& r) { return {r.f[0], r.f[1], r.f[2], r.f[3], r.f[4], r.f[5]}; }
};

// One effective protocol knob: name and value are indices into the text
// table; `overridden` if the scenario set it against its preset.
struct Knob {
  static constexpr uint16_t kKind = kind_range::kWorld + 20;
  static constexpr KindDesc kDesc{
      kKind, "knob", 3, {fd::text("name"), fd::text("value"), fd::flag("override")}};
  uint64_t name = 0;
  uint64_t value = 0;
  bool overridden = false;
  void encode(Record& r) const {
    r.f[0] = name;
    r.f[1] = value;
    r.f[2] = field_of(overridden);
  }
  static Knob decode(const Record& r) { return {r.f[0], r.f[1], r.f[2] != 0}; }
};

// The checker settled a violation (`kind` is a ViolationKind).
struct ViolationFound {
  static constexpr uint16_t kKind = kind_range::kCheck + 0;
  static constexpr KindDesc kDesc{
      kKind,
      "violation",
      6,
      {fd::enumeration("kind", kViolationKindNames), fd::resource("resource"), fd::node("first"),
       fd::node("second"), fd::time("from"), fd::time("to")}};
  uint8_t kind = 0;
  uint32_t resource = UINT32_MAX;
  NodeId first = kInvalidNode;
  NodeId second = kInvalidNode;
  TimePoint from, to;
  void encode(Record& r) const {
    r.f[0] = kind;
    r.f[1] = resource;
    r.f[2] = first;
    r.f[3] = second;
    r.f[4] = field_of(from);
    r.f[5] = field_of(to);
  }
  static ViolationFound decode(const Record& r) {
    return {static_cast<uint8_t>(r.f[0]), static_cast<uint32_t>(r.f[1]),
            static_cast<NodeId>(r.f[2]),  static_cast<NodeId>(r.f[3]),
            field_time(r.f[4]),           field_time(r.f[5])};
  }
};

// The checker closed a belief: [from, to) in true time.
struct BeliefInterval {
  static constexpr uint16_t kKind = kind_range::kCheck + 1;
  static constexpr KindDesc kDesc{kKind,
                                  "belief_interval",
                                  6,
                                  {fd::resource("resource"), fd::uint("lease"), fd::node("holder"),
                                   fd::uint("token"), fd::time("from"), fd::time("to")}};
  uint32_t resource = UINT32_MAX;
  uint64_t lease = 0;
  NodeId holder = kInvalidNode;
  uint64_t token = 0;
  TimePoint from, to;
  void encode(Record& r) const {
    r.f[0] = resource;
    r.f[1] = lease;
    r.f[2] = holder;
    r.f[3] = token;
    r.f[4] = field_of(from);
    r.f[5] = field_of(to);
  }
  static BeliefInterval decode(const Record& r) {
    return {static_cast<uint32_t>(r.f[0]),
            r.f[1],
            static_cast<NodeId>(r.f[2]),
            r.f[3],
            field_time(r.f[4]),
            field_time(r.f[5])};
  }
};

// What a settled violation's summary needs besides its ViolationFound:
// its place in the report's list and the parties' leases, token and
// whether each still believed at the end of the run.
struct ViolationDetail {
  static constexpr uint16_t kKind = kind_range::kCheck + 2;
  static constexpr KindDesc kDesc{
      kKind,
      "violation_detail",
      6,
      {fd::uint("number"), fd::uint("first_lease"), fd::uint("second_lease"), fd::uint("token"),
       fd::flag("first_at_end"), fd::flag("second_at_end")}};
  uint64_t number = 0;
  uint64_t first_lease = 0;
  uint64_t second_lease = 0;
  uint64_t token = 0;
  bool first_at_end = false;
  bool second_at_end = false;
  void encode(Record& r) const {
    r.f[0] = number;
    r.f[1] = first_lease;
    r.f[2] = second_lease;
    r.f[3] = token;
    r.f[4] = field_of(first_at_end);
    r.f[5] = field_of(second_at_end);
  }
  static ViolationDetail decode(const Record& r) {
    return {r.f[0], r.f[1], r.f[2], r.f[3], r.f[4] != 0, r.f[5] != 0};
  }
};

// Kind numbers, for switches over a record's kind.
inline constexpr uint16_t kSend = Send::kKind;
inline constexpr uint16_t kDeliver = Deliver::kKind;
inline constexpr uint16_t kDrop = Drop::kKind;
inline constexpr uint16_t kTimer = Timer::kKind;
inline constexpr uint16_t kCrash = Crash::kKind;
inline constexpr uint16_t kRestart = Restart::kKind;
inline constexpr uint16_t kPause = Pause::kKind;
inline constexpr uint16_t kResume = Resume::kKind;
inline constexpr uint16_t kPartition = Partition::kKind;
inline constexpr uint16_t kGroupMember = GroupMember::kKind;
inline constexpr uint16_t kCut = Cut::kKind;
inline constexpr uint16_t kIsolate = Isolate::kKind;
inline constexpr uint16_t kHeal = Heal::kKind;
inline constexpr uint16_t kClockStep = ClockStep::kKind;
inline constexpr uint16_t kDrift = Drift::kKind;
inline constexpr uint16_t kNetWindow = NetWindow::kKind;
inline constexpr uint16_t kNetWindowEnd = NetWindowEnd::kKind;
inline constexpr uint16_t kFaultSkipped = FaultSkipped::kKind;
inline constexpr uint16_t kClockInit = ClockInit::kKind;
inline constexpr uint16_t kHeader = Header::kKind;
inline constexpr uint16_t kKnob = Knob::kKind;
inline constexpr uint16_t kRunEnd = RunEnd::kKind;
inline constexpr uint16_t kViolation = ViolationFound::kKind;
inline constexpr uint16_t kBeliefInterval = BeliefInterval::kKind;
inline constexpr uint16_t kViolationDetail = ViolationDetail::kKind;

// Every kind, with the protocol's message type names (indexed by
// Message::type) in Send/Deliver/Drop.
std::vector<KindDesc> kinds(std::span<const char* const> message_names);

}  // namespace leasesim::world_rec
