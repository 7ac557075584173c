// The Chrome Trace Event writer's output (chrome_trace.hpp): violations
// once settled, beliefs and core records laid out in lanes, and the file,
// events in timestamp order with E before B at equal times.
#include <algorithm>

#include "chrome_json.hpp"
#include "leasesim/report/chrome_trace.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {

using chrome::append_int;
using chrome::append_string;
using chrome::append_us;

namespace {

// Process ids of the track groups, in the order viewers list them.
constexpr uint32_t kPidServers = 1;
constexpr uint32_t kPidResources = 2;
constexpr uint32_t kPidOthers = 3;
constexpr uint32_t kPidSessions = 4;
// Thread ids of resource tracks: resource * kLanesPerResource + lane + 1;
// lane kCoreLane is the core record, lanes 0.. the (overlapping) beliefs.
constexpr uint32_t kLanesPerResource = 16;
constexpr uint32_t kCoreLane = kLanesPerResource - 1;

int phase_order(char ph) {
  switch (ph) {
    case 'M':
      return 0;
    case 'E':
      return 1;
    case 'e':
      return 2;
    case 'B':
      return 3;
    case 'b':
      return 4;
    default:
      return 5;
  }
}

}  // namespace

// A violation record is written when the checker has settled it, so its
// interval is final (clipped to the run's end by the checker).
void ChromeTraceWriter::add_violations() {
  for (const PendingViolation& v : violations_) {
    const std::string kind = enum_field(world_rec::kViolation, 0, v.kind);
    const bool on_resource = v.resource < schema_.names(name_table::kResources).size();
    const int64_t to = std::max(v.from, v.to);
    std::string name = "VIOLATION " + kind;
    if (v.first != kNoNode) name += " " + node(v.first);
    if (v.second != kNoNode) name += "/" + node(v.second);
    const Track track = on_resource ? Track::kResource : Track::kGlobal;
    const uint32_t owner = on_resource ? v.resource : 0u;
    if (to > v.from) {
      const uint64_t id = next_async_++;
      async_begin(v.from, track, owner, id, name, "violation");
      async_end(to, track, owner, id, name, "violation");
    } else {
      add('i', v.from, track, owner, name, "violation");
    }
  }
  violations_.clear();
}

bool ChromeTraceWriter::finish(std::string* error) {
  const int64_t end = last_ts_;
  // Close what is still open at the end of the trace.
  for (uint32_t n = 0; n < roles_.size(); ++n) close_span(n, end);
  for (const OpenAsync& a : healable_) async_end(end, a.track, a.owner, a.id, a.name, a.cat);
  for (const OpenAsync& a : paused_) async_end(end, a.track, a.owner, a.id, a.name, a.cat);
  for (const OpenAsync& a : net_window_) async_end(end, a.track, a.owner, a.id, a.name, a.cat);
  healable_.clear();
  paused_.clear();
  net_window_.clear();
  for (const CoreOpen& c : core_open_)
    core_.push_back(Interval{c.resource, 0, c.from, std::max(c.from, end), "core: " + c.holder,
                             "{\"lease\":" + std::to_string(c.lease) +
                                 ",\"token\":" + std::to_string(c.token) + ",\"freed\":null}"});
  core_open_.clear();

  add_violations();
  lay_out_sessions(end);

  // Lay beliefs out in lanes so overlapping ones get their own track, and
  // core records likewise (beyond the first core lane they share the last
  // belief lanes' numbering space from the top down).
  uint32_t max_resource = 0;
  auto lay_out = [&](std::vector<Interval>& v, bool core) {
    std::stable_sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) {
      return a.resource != b.resource ? a.resource < b.resource : a.from < b.from;
    });
    std::vector<int64_t> lane_end;
    uint32_t current = UINT32_MAX;
    for (const Interval& iv : v) {
      if (iv.resource != current) {
        current = iv.resource;
        lane_end.clear();
      }
      max_resource = std::max(max_resource, iv.resource + 1);
      uint32_t lane = 0;
      while (lane < lane_end.size() && lane_end[lane] > iv.from) ++lane;
      if (lane == lane_end.size())
        lane_end.push_back(iv.to);
      else
        lane_end[lane] = iv.to;
      lane = std::min<uint32_t>(lane, kCoreLane / 2 - 1);
      const uint32_t track_lane = core ? kCoreLane - lane : lane;
      const Track track = core ? Track::kCore : Track::kResource;
      if (iv.to == iv.from) {
        Event& e = add('X', iv.from, track, iv.resource, iv.name, core ? "core" : "belief");
        e.lane = track_lane;
        e.args = iv.args;
        continue;
      }
      Event& b = add('B', iv.from, track, iv.resource, iv.name, core ? "core" : "belief");
      b.lane = track_lane;
      b.args = iv.args;
      Event& e = add('E', iv.to, track, iv.resource, iv.name, core ? "core" : "belief");
      e.lane = track_lane;
    }
  };
  lay_out(beliefs_, false);
  lay_out(core_, true);

  auto pid_tid = [&](const Event& e, uint32_t* pid, uint32_t* tid) {
    switch (e.track) {
      case Track::kNode:
        *pid = e.owner < is_server_.size() && is_server_[e.owner] ? kPidServers : kPidOthers;
        *tid = e.owner + 1;
        return;
      case Track::kResource:
      case Track::kCore:
        *pid = kPidResources;
        *tid = e.owner * kLanesPerResource + e.lane + 1;
        return;
      case Track::kGlobal:
        *pid = kPidServers;
        *tid = 0;
        return;
      case Track::kSession:
        *pid = kPidSessions;
        *tid = e.owner * kSessionLanes + e.lane + 1;
        return;
    }
  };

  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    const int pa = phase_order(a.ph), pb = phase_order(b.ph);
    if (pa != pb) return pa < pb;
    return a.seq < b.seq;
  });

  std::string out;
  out.reserve(1 << 20);
  out += "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"leasesim\",\"flows\":";
  append_int(out, static_cast<int64_t>(flows_));
  out += ",\"messages\":";
  append_int(out, static_cast<int64_t>(messages_));
  out += ",\"flow_cap\":";
  append_int(out, static_cast<int64_t>(limits_.flows));
  out += ",\"dropped_shown\":";
  append_int(out, static_cast<int64_t>(std::min(drops_, limits_.drops)));
  out += ",\"records_not_shown\":";
  append_int(out, static_cast<int64_t>(skipped_));
  out += ",\"messages_not_shown\":";
  append_int(out, static_cast<int64_t>(messages_not_shown_));
  if (!header_.empty()) {
    out += header_;
    out += ",\"knobs\":{" + knobs_ + "},\"overrides\":[" + overrides_ + "]";
  }
  out += "},\"traceEvents\":[\n";
  bool first = true;
  auto begin_event = [&]() {
    if (!first) out += ",\n";
    first = false;
  };
  // Metadata: names and order of processes and threads.
  auto meta = [&](const char* what, uint32_t pid, uint32_t tid, const std::string& value, bool sort,
                  int64_t index) {
    begin_event();
    out += "{\"ph\":\"M\",\"pid\":";
    append_int(out, pid);
    out += ",\"tid\":";
    append_int(out, tid);
    out += ",\"ts\":0,\"name\":\"";
    out += what;
    out += "\",\"args\":{";
    if (sort) {
      out += "\"sort_index\":";
      append_int(out, index);
    } else {
      out += "\"name\":";
      append_string(out, value);
    }
    out += "}}";
  };
  meta("process_name", kPidServers, 0, "servers", false, 0);
  meta("process_sort_index", kPidServers, 0, "", true, 1);
  meta("process_name", kPidResources, 0, "resources (beliefs and core record)", false, 0);
  meta("process_sort_index", kPidResources, 0, "", true, 2);
  meta("process_name", kPidOthers, 0, "requestors and storage", false, 0);
  meta("process_sort_index", kPidOthers, 0, "", true, 3);
  if (std::any_of(session_lanes_.begin(), session_lanes_.end(),
                  [](uint32_t lanes) { return lanes != 0; })) {
    // Only protocols with sessions have this group.
    meta("process_name", kPidSessions, 0, "sessions (client's view and core record)", false, 0);
    meta("process_sort_index", kPidSessions, 0, "", true, 4);
    session_metadata([&](uint32_t, uint32_t tid, const std::string& name, int64_t order) {
      meta("thread_name", kPidSessions, tid, name, false, 0);
      meta("thread_sort_index", kPidSessions, tid, "", true, order);
    });
  }
  meta("thread_name", kPidServers, 0, "run-wide (partitions, violations)", false, 0);
  const uint32_t nodes = static_cast<uint32_t>(schema_.names(name_table::kNodes).size());
  for (uint32_t n = 0; n < nodes; ++n) {
    const bool server = n < is_server_.size() && is_server_[n];
    const uint32_t pid = server ? kPidServers : kPidOthers;
    meta("thread_name", pid, n + 1, node(n), false, 0);
    meta("thread_sort_index", pid, n + 1, "", true, n + 1);
  }
  std::vector<uint8_t> lane_used(static_cast<size_t>(max_resource) * kLanesPerResource, 0);
  for (const Event& e : events_)
    if ((e.track == Track::kResource || e.track == Track::kCore) && e.owner < max_resource)
      lane_used[e.owner * kLanesPerResource + e.lane] = 1;
  for (uint32_t r = 0; r < max_resource; ++r) {
    for (uint32_t lane = 0; lane < kLanesPerResource; ++lane) {
      if (!lane_used[r * kLanesPerResource + lane]) continue;
      std::string name = resource(r);
      if (lane >= kCoreLane / 2) {
        name += " core record";
        if (lane != kCoreLane) name += " (" + std::to_string(kCoreLane - lane + 1) + ")";
      } else if (lane > 0) {
        name += " (overlap " + std::to_string(lane + 1) + ")";
      }
      const uint32_t tid = r * kLanesPerResource + lane + 1;
      meta("thread_name", kPidResources, tid, name, false, 0);
      // Beliefs first, then overlaps, then the core record, per resource.
      const int64_t order = lane >= kCoreLane / 2 ? kCoreLane / 2 + (kCoreLane - lane) : lane;
      meta("thread_sort_index", kPidResources, tid, "", true,
           static_cast<int64_t>(r) * kLanesPerResource + order);
    }
  }

  for (const Event& e : events_) {
    uint32_t pid = 0, tid = 0;
    pid_tid(e, &pid, &tid);
    begin_event();
    out += "{\"ph\":\"";
    out += e.ph;
    out += "\",\"pid\":";
    append_int(out, pid);
    out += ",\"tid\":";
    append_int(out, tid);
    out += ",\"ts\":";
    append_us(out, e.ts);
    out += ",\"name\":";
    append_string(out, e.name);
    out += ",\"cat\":";
    append_string(out, *e.cat ? e.cat : "leasesim");
    switch (e.ph) {
      case 'X':
        out += ",\"dur\":";
        append_us(out, e.dur);
        break;
      case 'i':
        out += e.track == Track::kGlobal ? ",\"s\":\"g\"" : ",\"s\":\"t\"";
        break;
      case 's':
      case 'f':
      case 'b':
      case 'e':
        out += ",\"id\":";
        append_int(out, static_cast<int64_t>(e.id));
        if (e.ph == 'f') out += ",\"bp\":\"e\"";
        break;
      default:
        break;
    }
    if (!e.args.empty()) {
      out += ",\"args\":";
      out += e.args;
    }
    out += '}';
    if (out.size() >= (1u << 20)) {
      file_.write(out);
      out.clear();
    }
  }
  out += "\n]}\n";
  file_.write(out);
  events_.clear();
  events_.shrink_to_fit();
  return file_.commit(error);
}

}  // namespace leasesim
