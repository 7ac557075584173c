// Private to the world module: the state of one run.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <vector>

#include "leasesim/check/observers.hpp"
#include "leasesim/clock/linear_clock.hpp"
#include "leasesim/clock/node_clock.hpp"
#include "leasesim/core/scheduler.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/net/network.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/world/records.hpp"
#include "leasesim/world/world.hpp"
#include "load_tracker.hpp"

namespace leasesim {

// One engine event. Lives in the event queue's slot table and is copied in
// at schedule and out at pop, so it is kept small (asserted below).
struct Event {
  enum Type : uint8_t {
    kDeliver,    // ref: message slot
    kTimer,      // a node's timer (ref: the timer's kind)
    kFault,      // ref: index into scenario.faults
    kRestart,    // automatic restart after a crash with a duration
    kResume,     // end of a pause (ref: pause generation)
    kWindowEnd,  // end of a network window (ref: window generation)
    kStart,      // a node's first start, at its start offset (timing model)
    kRelease,    // ref: a held message slot, sent now (its write is durable)
    kDurable,    // a node's write is durable: TimerFire{ref, timer_arg} to it (disk
                 // time, not the node's clock: a clock change leaves it)
  };
  Type type = kDeliver;
  ClockKind clock = ClockKind::kMonotonic;
  // With a processing model: the input has waited its turn and been served.
  bool served = false;
  // A timer scheduled as the node's single timer of its kind (node.hpp),
  // the scheduled original: while it is pending, Host::single holds its
  // handle. Copies made after it popped (a paused node's deferred inputs,
  // a processing model's served ones) carry false: by then the handle is
  // spent and may have been replaced.
  bool single = false;
  NodeId node = kInvalidNode;
  uint32_t incarnation = 0;
  uint32_t ref = 0;        // by type, above
  uint64_t timer_arg = 0;  // timers: the node's argument; deliveries: the message id
  TimePoint deadline;      // timers: on the node's `clock`
  // Deliveries and timers: the node's process object when scheduled, for
  // prefetching only (handle()). It may be stale (the node crashed since):
  // a prefetch of any address is harmless, and nothing reads through it.
  // Carried here so the prefetch needs no look-up that could itself miss.
  const char* object = nullptr;

  uint32_t timer_kind() const { return ref; }
};
// Copied at every schedule and pop; with the queue's slot bookkeeping it
// fills one 64-byte slot (core/event_queue.hpp).
static_assert(sizeof(Event) == 40, "an event is copied at every schedule and pop");

// A node's timing model at run time (scenario/timing.hpp): its own random
// streams and the state of its processor and disk.
struct NodeTimer {
  const NodeTiming* spec = nullptr;
  Rng processing{0}, jitter{0}, disk{0};
  TimePoint busy_until;    // the processor is taken until then
  TimePoint batch_start;   // the latest disk write (batch): when it starts
  TimePoint batch_done;    // and when it is durable
  TimePoint outbox_until;  // held messages leave no earlier than this
  TimePoint paused_since;  // the processor stopped with its paused process (a
                           // pause within a pause keeps the first one's start)
  Duration start_offset;   // drawn once per run
};

// What every event for a node reads, kept dense (32 bytes a node) so that
// an event's process and clock cost one cache line, not three.
struct NodeHot {
  Node* node = nullptr;  // == Host::node.get(): nullptr while crashed
  // The fast path of clocks[id], refreshed on every change. Its tail
  // padding holds the two fields after it.
  [[no_unique_address]] LinearClock clock;
  bool paused = false;
  uint32_t incarnation = 0;  // bumped by a crash: the old process's timers die
};
static_assert(sizeof(NodeHot) == 32, "two nodes per cache line");

struct Host {
  std::unique_ptr<Node> node;  // nullptr while crashed (NodeHot::node mirrors it)
  uint32_t pause_gen = 0;
  std::string name;
  std::unique_ptr<DurableState> disk;
  // Inputs that fell due while the process was paused, in order, with when
  // they fell due.
  struct Deferred {
    Event event;
    TimePoint due;
  };
  std::vector<Deferred> deferred;
  // The process's pending single timers (node.hpp), by kind. A handle is
  // cleared when its timer is cancelled or pops, so cancelling or replacing
  // a kind whose timer is gone touches no event-queue slot. (A requestor
  // does that twice per acquire: its wake timer has popped, its request
  // timer was cancelled by the last answer. The slot was last touched tens
  // of thousands of events before at 100,000 requestors, and reading it was
  // a cache miss: W1 C = 100k 0.91x the time, C = 1k 0.96x.) A handle left
  // stale otherwise (a crashed process's timers keep theirs, so that the
  // next process's first replace cancels them) is harmless:
  // EventQueue::cancel checks the generation.
  std::array<Scheduler<Event>::Handle, TimerRequest::kMaxSingleKinds> single{};
};

struct World::Impl {
  Impl(const Scenario& scenario, const RunOptions& options);

  // Construction.
  void build_nodes();
  std::unique_ptr<Node> make_node(NodeId id);
  void schedule_faults();

  // Running.
  RunResult run();
  // The event loop for a queue drained by sorted runs, to `until` and at
  // most `budget` events handled in all (world_sorted.cpp: apart from
  // run()'s heap loop, so neither changes how the other is compiled).
  StopReason run_sorted_runs(TimePoint until, uint64_t budget);
  void handle(const Event& ev);
  // handle()'s two common cases, forced inline into it (their only caller):
  // GCC kept them as calls, and the calls cost about 13 instructions per
  // event (round twelve, docs/performance.md). run_step() stays a call:
  // inlined into both, it made the event loop 3% more instructions.
  void deliver(const Event& ev);
  void fire_timer(const Event& ev);
  void start_node(NodeId id);
  // Timing model (world_timing.cpp).
  void setup_timing();
  // With a processing model, queues an input arriving now: schedules it,
  // served, at the end of its service; returns true. False: handle it now.
  bool enqueue(const Event& ev);
  // The time at which a durable write asked for now is durable.
  TimePoint disk_write(NodeId id);
  // Sends or holds the step's messages after its persist requests.
  void send_step_messages(NodeId id, TimePoint local);
  void release(const Event& ev);
  // The node's clocks now: the dense copy while the clock has no drift
  // (clock/linear_clock.hpp), else the clock model.
  LocalClocks read_clock(NodeId id) const {
    const LinearClock& c = hot[id].clock;
    return c.linear() ? c.read(sched.now()) : clocks[id].read(sched.now());
  }
  // True time at which node id's clock `kind` reads `deadline` (not before now).
  TimePoint timer_due(NodeId id, ClockKind kind, TimePoint deadline) const {
    const LinearClock& c = hot[id].clock;
    return c.linear() ? c.true_time_when(kind, deadline, sched.now())
                      : clocks[id].true_time_when(kind, deadline, sched.now());
  }

  // Effects of a node step. `local` is the node's wall clock now: every
  // record of one step shares it, so the clock is read once per step.
  void run_step(NodeId id, TimePoint local);  // after the node filled effects_
  void emit(const Record& r);  // hash + checker + sink; time/local/node set by caller
  // A world record (send, deliver, drop, timer, checker verdicts): hash and
  // sink only, as neither the checker nor role tracking reads them. Inline:
  // two or three per event, and the record is built right here.
  void emit_world(const Record& r) {
    hasher.add(r);
    if (opts.trace) [[unlikely]]
      opts.trace->write(r);
  }
  // A typed world record, now, at `node` (its wall clock read now).
  template <TypedRecord T>
  Record record(const T& v, NodeId node) const {
    return stamp(encode_record(v), node);
  }
  Record stamp(Record r, NodeId node) const;
  // The same with the node's wall clock already read.
  template <TypedRecord T>
  Record record_at(const T& v, NodeId node, TimePoint local) const {
    Record r = encode_record(v);
    r.time = sched.now();
    r.local = local;
    r.node = node;
    return r;
  }
  // Sends one message of a step: id, trace hash, the network's decision,
  // the message pool, the event queue. send() is the out-of-line entry (the
  // timing model's paths); run_step(), which sends about one message per
  // event, uses send_inline(), forced inline: as a call it cost about 15
  // instructions a message in register saves and restores (round twelve,
  // docs/performance.md).
  void send(NodeId from, TimePoint local, Message& m);
  void send_inline(NodeId from, TimePoint local, Message& m);
  uint32_t alloc_message();
  void free_message(uint32_t slot);

  // Faults (world_faults.cpp).
  void apply_fault(const Fault& f, uint32_t index);
  NodeId resolve(const FaultTarget& t, uint32_t index);
  void crash(NodeId id);
  void restart(NodeId id);
  void pause(NodeId id, Duration d);
  void resume(NodeId id, uint32_t gen);
  void clock_changed(NodeId id, const NodeClock& before);
  void skip(uint32_t index, world_rec::SkipReason why, NodeId node);
  void report_new_violations();

  const Scenario& sc;
  RunOptions opts;
  const ProtocolModule* protocol = nullptr;
  std::unique_ptr<NodeFactory> factory;  // this run's, from the protocol
  TraceSchema schema;
  Scheduler<Event> sched;
  Network net;
  std::vector<NodeClock> clocks;
  std::vector<Host> hosts;
  std::vector<NodeHot> hot;  // per node id
  std::vector<Message> pool;
  std::vector<uint32_t> pool_free;
  Effects effects;
  TraceHasher hasher;
  Observers observers;             // the role view, the safety checker, the metrics
  uint64_t checker_news_seen = 0;  // SafetyChecker::news() when last reported
  NetStats stats;
  FaultStats fault_stats;
  uint64_t next_msg_id = 1;
  uint32_t window_gen = 0;
  std::vector<NodeTimer> timers;  // per node id; empty without a timing model
  bool has_processing = false;
  // From this many nodes on, handle() prefetches the next event's node
  // state (measured: W1 at C = 10,000 12% faster, at C = 1,000 no gain).
  static constexpr uint32_t kPrefetchNodes = 4096;
  // From this many on, the event queue also looks one event further ahead
  // (EventQueue::set_lookahead): W1 at C = 100,000 7% faster, at C = 10,000
  // 2% slower (its pending events' slots still come from a near cache).
  static constexpr uint32_t kLookaheadNodes = 32768;
  static constexpr int kPrefetchNodeLines = 6;
  bool prefetch_next = false;
  std::vector<const char*> node_addr;  // == hot[id].node, for Event::object only
  LoadTracker load;
  std::vector<Fault> faults;  // the script, ranges drawn for this seed
};

}  // namespace leasesim
