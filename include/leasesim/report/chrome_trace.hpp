// A trace sink that writes the Chrome Trace Event JSON format, which
// ui.perfetto.dev and chrome://tracing open (docs/visualization.md).
//
// Tracks (pid = group, tid = track):
//   "servers"     one thread per server: role slices ("leader t3",
//                 "follower t2", "candidate t3", "crashed"), fault instants.
//   "requestors"  one thread per requestor (and storage): message slices and
//                 fault instants.
//   "resources"   per resource a thread of believed holdings (the checker's
//                 belief_interval records), extra threads "<r> (overlap N)"
//                 when beliefs overlap, and "<r> core record" (lease_granted
//                 .. lease_freed).
//   "sessions"    per client with a session (any protocol's session_*
//                 records; absent without them): "<client> session", the
//                 client's view (slices "safe s7", "jeopardy s7"), and
//                 "<client> session core record" (session_begin ..
//                 session_end, one slice per session, extra tracks "(N)"
//                 when an old session is still on record beside the next).
// Messages are tiny slices (the first kMaxMessageSlices delivered messages,
// a budget of their own, so that a chatty run cannot crowd out the records
// that matter: beliefs, leases, faults, violations, which share kMaxEvents),
// joined by flow arrows (s/f, id = message id) for the first kMaxFlows
// delivered messages only: a long run has millions. Faults that
// last (pauses, isolation, partitions, cuts, network windows) and violations
// are async spans (b/e); crashes, restarts, clock changes and dropped
// messages are instants; each node's clock offset is a counter track.
//
// Slices are B/E pairs; the file lists events in timestamp order (E before B
// at equal times), so every track is properly nested and monotonic.
//
// The run's provenance (the header and knob records: version, scenario,
// seed, protocol, preset, every knob) goes into the file's otherData.
//
// Unlike the JSONL writer this sink keeps what it will write in memory
// (bounded by the caps below) and writes the file in finish(), whole or not
// at all; a viewer could not open a multi-gigabyte JSON file anyway.
//
// Sources: chrome_trace.cpp (what each record adds), chrome_faults.cpp
// (fault tracks), chrome_sessions.cpp (session tracks), chrome_output.cpp
// (layout and the file).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "leasesim/check/first_records.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {

class ChromeTraceWriter final : public TraceSink {
 public:
  static constexpr uint64_t kMaxFlows = 20000;           // messages with arrows (all get slices)
  static constexpr uint64_t kMaxDrops = 20000;           // dropped messages drawn as instants
  static constexpr size_t kMaxEvents = 2000000;          // everything else, in total
  static constexpr uint64_t kMaxMessageSlices = 500000;  // delivered messages drawn
  // The caps, as constants above unless a test sets smaller ones.
  struct Limits {
    uint64_t flows = kMaxFlows;
    uint64_t drops = kMaxDrops;
    size_t events = kMaxEvents;
    uint64_t message_slices = kMaxMessageSlices;
  };
  // Session tracks per client: its view, then the core's record (lanes 1..).
  static constexpr uint32_t kSessionLanes = 8;

  // The schema must outlive the writer.
  ChromeTraceWriter(const TraceSchema& schema, AtomicFile file);
  ChromeTraceWriter(const TraceSchema& schema, AtomicFile file, Limits limits);
  void write(const Record& r) override;
  bool finish(std::string* error) override;

 private:
  enum class Track : uint8_t { kNode, kResource, kCore, kGlobal, kSession };
  struct Event {
    int64_t ts = 0;      // ns
    int64_t dur = 0;     // ns, for X
    uint64_t id = 0;     // flows and async spans
    uint32_t owner = 0;  // node or resource
    uint32_t lane = 0;   // resource belief lane
    uint32_t seq = 0;    // emission order, breaks ties
    char ph = 'i';
    Track track = Track::kNode;
    const char* cat = "";
    std::string name;
    std::string args;  // JSON object text, or empty
  };
  struct Span {  // an open interval on a node (role, crashed)
    bool open = false;
    int64_t from = 0;
    std::string name;
  };
  struct Interval {  // a belief or a core record, laid out at the end
    uint32_t resource = 0;
    uint32_t holder = 0;
    int64_t from = 0, to = 0;
    std::string name;
    std::string args;
  };
  struct PendingViolation {  // drawn at the end, once its interval is settled
    uint16_t kind = 0;
    uint32_t resource = 0, first = 0, second = 0;
    int64_t from = 0, to = 0;
  };
  struct PendingSend {
    int64_t ts = -1;
    uint32_t from = 0;
    uint32_t type = 0;
  };
  struct SessionCore {  // the core's record of a session, open or closed
    uint64_t session = 0;
    uint32_t client = 0;
    int64_t from = 0, to = -1;  // to < 0: still on record
    int64_t timeout = 0;
    uint64_t extensions = 0;
    uint8_t reason = 0;
  };
  struct SessionViewOpen {  // a client's view of its session, per node
    bool open = false;
    uint64_t session = 0;
    uint8_t state = 0;
    int64_t from = 0;
    size_t begin_event = 0;  // its 'B' in events_
  };
  struct CoreOpen {
    uint32_t resource = 0;
    uint64_t lease = 0;
    int64_t from = 0;
    std::string holder;
    uint64_t token = 0;
  };

  Event& add(char ph, int64_t ts, Track track, uint32_t owner, std::string name,
             const char* cat = "");
  void open_span(uint32_t node, int64_t ts, std::string name);
  void close_span(uint32_t node, int64_t ts);
  void async_begin(int64_t ts, Track track, uint32_t owner, uint64_t id, std::string name,
                   const char* cat);
  void async_end(int64_t ts, Track track, uint32_t owner, uint64_t id, const std::string& name,
                 const char* cat);
  void clock_sample(const Record& r, bool force);
  void message(const Record& r);
  void fault(const Record& r);
  // An async span on a node's track until the next heal (cut, isolation).
  void healable(int64_t ts, uint32_t owner, std::string name);
  void provenance(const Record& r);
  void session(const Record& r);
  void end_session_view(uint32_t client, int64_t ts, const std::string& why);
  void lay_out_sessions(int64_t end);
  void session_metadata(
      const std::function<void(uint32_t, uint32_t, const std::string&, int64_t)>& thread) const;
  std::string node(uint64_t id) const;
  std::string resource(uint64_t id) const;
  std::string enum_field(uint16_t kind, int field, uint64_t value) const;
  void grow(std::vector<Span>& v, size_t n) const;
  void add_violations();

  const TraceSchema& schema_;
  AtomicFile file_;
  std::vector<Event> events_;
  std::vector<Interval> beliefs_, core_;
  std::vector<PendingViolation> violations_;
  std::vector<CoreOpen> core_open_;
  std::vector<SessionCore> sessions_;           // in order of their first begin
  std::map<uint64_t, size_t> session_index_;    // session id -> its place in sessions_
  std::vector<SessionViewOpen> session_views_;  // per node
  std::vector<uint32_t> session_lanes_;         // per node: bit i = session track i used
  FirstRecords core_changes_;                   // lease records drawn once per committed change
  std::vector<Span> roles_;                     // per node: current role or "crashed"
  std::vector<uint8_t> is_server_;              // per node
  std::vector<int64_t> offset_;                 // per node: last offset written to the counter
  std::vector<int64_t> offset_at_;              // per node: when
  std::vector<uint8_t> has_counter_;            // per node
  // Messages sent and not yet delivered, by message id: a message is drawn
  // at its first delivery (a duplicate's second copy is not) and forgotten
  // then, or when it is dropped as it is sent.
  std::unordered_map<uint64_t, PendingSend> sends_;
  // Async spans open until a heal / resume / window end: (id, node, name).
  struct OpenAsync {
    uint64_t id;
    Track track;
    uint32_t owner;
    std::string name;
    const char* cat;
  };
  std::vector<OpenAsync> healable_;                          // isolate, cut, partition
  std::vector<OpenAsync> paused_;                            // per pause, closed by resume
  std::vector<OpenAsync> net_window_;                        // at most one
  std::vector<std::vector<std::string>> partition_members_;  // of the current partition
  size_t partition_event_ = SIZE_MAX;                        // its 'b' event in events_
  uint64_t next_async_ = 1;
  Limits limits_;
  uint64_t drops_ = 0, flows_ = 0, skipped_ = 0;
  uint64_t messages_ = 0;
  uint64_t slices_ = 0;              // delivered messages drawn
  uint64_t messages_not_shown_ = 0;  // delivered past limits_.message_slices
  size_t message_events_ = 0;        // events_ of messages (their own budget)
  int64_t last_ts_ = 0;
  // The run's header and knob records as otherData members (JSON text).
  std::string header_, knobs_, overrides_;
  uint32_t seq_ = 0;
};

}  // namespace leasesim
