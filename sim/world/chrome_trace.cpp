#include "leasesim/world/chrome_trace.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <utility>

#include "leasesim/protocol/observations.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {
namespace {

// Process ids of the track groups, in the order viewers list them.
constexpr uint32_t kPidServers = 1;
constexpr uint32_t kPidResources = 2;
constexpr uint32_t kPidOthers = 3;
// Thread ids of resource tracks: resource * kLanesPerResource + lane + 1;
// lane kCoreLane is the core record, lanes 0.. the (overlapping) beliefs.
constexpr uint32_t kLanesPerResource = 16;
constexpr uint32_t kCoreLane = kLanesPerResource - 1;
// Clock offsets are sampled at most this often per node (drift changes them
// continuously), except that steps and drift changes are always sampled.
constexpr int64_t kOffsetResolutionNs = 100'000;   // 0.1 ms
constexpr int64_t kOffsetIntervalNs = 10'000'000;  // 10 ms

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// Nanoseconds as microseconds with three decimals (the format's unit).
void append_us(std::string& out, int64_t ns) {
  if (ns < 0) {
    out += '-';
    ns = -ns;
  }
  append_int(out, ns / 1000);
  const int64_t frac = ns % 1000;
  if (frac != 0) {
    out += '.';
    out += static_cast<char>('0' + frac / 100);
    out += static_cast<char>('0' + frac / 10 % 10);
    out += static_cast<char>('0' + frac % 10);
  }
}

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  out += '"';
}

// Nanoseconds as milliseconds, exactly (up to six decimals).
std::string ms_text(int64_t ns) {
  std::string s;
  const bool neg = ns < 0;
  const uint64_t a = neg ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  if (neg) s += '-';
  s += std::to_string(a / 1'000'000);
  const uint64_t frac = a % 1'000'000;
  if (frac) {
    std::string f = std::to_string(frac);
    f.insert(0, 6 - f.size(), '0');
    while (f.back() == '0') f.pop_back();
    s += '.';
    s += f;
  }
  return s;
}

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

ChromeTraceWriter::ChromeTraceWriter(const TraceSchema& schema, AtomicFile file)
    : schema_(schema), file_(std::move(file)) {}

bool ChromeTraceWriter::repeated_change(uint64_t resource, uint64_t index) {
  if (index == 0) return false;  // not a committed entry
  if (resource >= last_change_.size()) last_change_.resize(resource + 1, 0);
  if (index <= last_change_[resource]) return true;
  last_change_[resource] = index;
  return false;
}

std::string ChromeTraceWriter::node(uint64_t id) const {
  const auto& names = schema_.names(name_table::kNodes);
  return id < names.size() ? names[static_cast<size_t>(id)] : "node" + std::to_string(id);
}

std::string ChromeTraceWriter::resource(uint64_t id) const {
  const auto& names = schema_.names(name_table::kResources);
  return id < names.size() ? names[static_cast<size_t>(id)] : "resource" + std::to_string(id);
}

std::string ChromeTraceWriter::enum_field(uint16_t kind, int field, uint64_t value) const {
  const KindDesc* d = schema_.find(kind);
  if (d != nullptr && field < d->field_count) {
    const FieldDesc& f = d->fields[static_cast<size_t>(field)];
    if (f.enum_names != nullptr && value < f.enum_count) return f.enum_names[value];
  }
  return std::to_string(value);
}

void ChromeTraceWriter::grow(std::vector<Span>& v, size_t n) const {
  if (v.size() < n) v.resize(n);
}

ChromeTraceWriter::Event& ChromeTraceWriter::add(char ph, int64_t ts, Track track, uint32_t owner,
                                                 std::string name, const char* cat) {
  Event e;
  e.ph = ph;
  e.ts = ts;
  e.track = track;
  e.owner = owner;
  e.name = std::move(name);
  e.cat = cat;
  e.seq = seq_++;
  events_.push_back(std::move(e));
  return events_.back();
}

void ChromeTraceWriter::open_span(uint32_t n, int64_t ts, std::string name) {
  grow(roles_, n + 1);
  close_span(n, ts);
  roles_[n].open = true;
  roles_[n].from = ts;
  roles_[n].name = name;
  add('B', ts, Track::kNode, n, std::move(name), "role");
}

void ChromeTraceWriter::close_span(uint32_t n, int64_t ts) {
  if (n >= roles_.size() || !roles_[n].open) return;
  roles_[n].open = false;
  add('E', ts, Track::kNode, n, roles_[n].name, "role");
}

void ChromeTraceWriter::async_begin(int64_t ts, Track track, uint32_t owner, uint64_t id,
                                    std::string name, const char* cat) {
  add('b', ts, track, owner, std::move(name), cat).id = id;
}

void ChromeTraceWriter::async_end(int64_t ts, Track track, uint32_t owner, uint64_t id,
                                  const std::string& name, const char* cat) {
  add('e', ts, track, owner, name, cat).id = id;
}

void ChromeTraceWriter::clock_sample(const Record& r, bool force) {
  if (r.node == kNoNode) return;
  const uint32_t n = r.node;
  if (offset_.size() <= n) {
    offset_.resize(n + 1, 0);
    offset_at_.resize(n + 1, INT64_MIN);
    has_counter_.resize(n + 1, 0);
  }
  const int64_t off = r.local.ns() - r.time.ns();
  const int64_t ts = r.time.ns();
  const bool seen = offset_at_[n] != INT64_MIN;  // the node had a record before
  if (!has_counter_[n]) {
    // Nodes whose clock is never off get no counter track at all.
    if (off == 0 && !force) {
      offset_at_[n] = ts;
      return;
    }
    has_counter_[n] = 1;
    // The clock was perfect until now, or (first record) off from the start.
    Event& z = add('C', 0, Track::kNode, n, "clock offset " + node(n), "clock");
    z.args = "{\"ms\":" + ms_text(seen ? 0 : off) + "}";
  } else if (!force) {
    const int64_t diff = off > offset_[n] ? off - offset_[n] : offset_[n] - off;
    if (diff < kOffsetResolutionNs || ts - offset_at_[n] < kOffsetIntervalNs) return;
  }
  offset_[n] = off;
  offset_at_[n] = ts;
  Event& e = add('C', ts, Track::kNode, n, "clock offset " + node(n), "clock");
  e.args = "{\"ms\":" + ms_text(off) + "}";
}

void ChromeTraceWriter::message(const Record& r) {
  const uint64_t id = r.f[2];
  if (r.kind == world_rec::kSend) {
    ++messages_;
    if (id < kMaxFlows) {
      if (sends_.size() <= id) sends_.resize(static_cast<size_t>(id) + 1);
      sends_[id] = PendingSend{r.time.ns(), r.node, static_cast<uint32_t>(r.f[1])};
    }
    return;
  }
  if (r.kind == world_rec::kDeliver) {
    if (id >= sends_.size() || sends_[id].ts < 0) return;
    if (delivered_.size() <= id) delivered_.resize(static_cast<size_t>(id) + 1, 0);
    if (delivered_[id]) return;  // a duplicate: one arrow per message
    delivered_[id] = 1;
    ++flows_;
    const PendingSend& s = sends_[id];
    const std::string type = enum_field(world_rec::kSend, 1, s.type);
    // A 1 ns slice at each end for the arrow to attach to.
    Event& a = add('X', s.ts, Track::kNode, s.from, type + " -> " + node(r.node), "msg");
    a.dur = 1;
    a.args = "{\"id\":" + std::to_string(id) + "}";
    add('s', s.ts, Track::kNode, s.from, "msg", "msg").id = id;
    Event& b = add('X', r.time.ns(), Track::kNode, r.node, type + " <- " + node(s.from), "msg");
    b.dur = 1;
    b.args =
        "{\"id\":" + std::to_string(id) + ",\"latency_ms\":" + ms_text(r.time.ns() - s.ts) + "}";
    add('f', r.time.ns(), Track::kNode, r.node, "msg", "msg").id = id;
    return;
  }
  // kDrop
  if (drops_++ >= kMaxDrops) return;
  Event& e = add('i', r.time.ns(), Track::kNode, r.node,
                 "drop " + enum_field(world_rec::kDrop, 1, r.f[1]) + " -> " + node(r.f[0]) + " (" +
                     enum_field(world_rec::kDrop, 3, r.f[3]) + ")",
                 "drop");
  e.args = "{\"id\":" + std::to_string(id) + "}";
}

void ChromeTraceWriter::fault(const Record& r) {
  const int64_t ts = r.time.ns();
  const uint32_t n = r.node;
  switch (r.kind) {
    case world_rec::kCrash:
      add('i', ts, Track::kNode, n, "crash", "fault");
      if (n < is_server_.size() && is_server_[n]) open_span(n, ts, "crashed");
      return;
    case world_rec::kRestart:
      add('i', ts, Track::kNode, n, "restart", "fault");
      close_span(n, ts);
      return;
    case world_rec::kPause: {
      const uint64_t id = next_async_++;
      async_begin(ts, Track::kNode, n, id, "paused", "fault");
      paused_.push_back(OpenAsync{id, Track::kNode, n, "paused", "fault"});
      return;
    }
    case world_rec::kResume:
      for (size_t i = 0; i < paused_.size(); ++i) {
        if (paused_[i].owner != n) continue;
        async_end(ts, Track::kNode, n, paused_[i].id, paused_[i].name, paused_[i].cat);
        paused_.erase(paused_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
      return;
    case world_rec::kPartition: {
      // A partition replaces the previous one.
      for (size_t i = 0; i < healable_.size();) {
        if (healable_[i].track == Track::kGlobal) {
          async_end(ts, Track::kGlobal, 0, healable_[i].id, healable_[i].name, "fault");
          healable_.erase(healable_.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
      const uint64_t id = next_async_++;
      partition_members_.clear();
      async_begin(ts, Track::kGlobal, 0, id, "partition", "fault");
      partition_event_ = events_.size() - 1;
      healable_.push_back(OpenAsync{id, Track::kGlobal, 0, "partition", "fault"});
      return;
    }
    case world_rec::kGroupMember: {
      // Name the partition's sides in the open span's args.
      if (partition_event_ >= events_.size()) return;
      const auto group = static_cast<size_t>(r.f[0]);
      if (partition_members_.size() <= group) partition_members_.resize(group + 1);
      partition_members_[group].push_back(node(r.f[1]));
      std::string text;
      for (size_t g = 0; g < partition_members_.size(); ++g) {
        if (g) text += " | ";
        for (size_t i = 0; i < partition_members_[g].size(); ++i) {
          if (i) text += ", ";
          text += partition_members_[g][i];
        }
      }
      std::string args = "{\"groups\":";
      append_string(args, text);
      args += '}';
      events_[partition_event_].args = std::move(args);
      return;
    }
    case world_rec::kCut:
    case world_rec::kIsolate: {
      const uint64_t id = next_async_++;
      const uint32_t owner = r.kind == world_rec::kCut ? static_cast<uint32_t>(r.f[0]) : n;
      std::string name = r.kind == world_rec::kCut ? "cut -> " + node(r.f[1]) : "isolated";
      async_begin(ts, Track::kNode, owner, id, name, "fault");
      healable_.push_back(OpenAsync{id, Track::kNode, owner, std::move(name), "fault"});
      return;
    }
    case world_rec::kHeal:
      add('i', ts, Track::kGlobal, 0, "heal", "fault");
      for (const OpenAsync& a : healable_) async_end(ts, a.track, a.owner, a.id, a.name, a.cat);
      healable_.clear();
      return;
    case world_rec::kClockStep: {
      const int64_t by = static_cast<int64_t>(r.f[0]);
      Event& e = add('i', ts, Track::kNode, n,
                     "clock step " + std::string(by >= 0 ? "+" : "") + ms_text(by) + "ms", "clock");
      e.args = "{\"by_ms\":" + ms_text(by) + "}";
      clock_sample(r, true);
      return;
    }
    case world_rec::kDrift: {
      const int64_t ppb = static_cast<int64_t>(r.f[0]);
      Event& e = add('i', ts, Track::kNode, n, "drift " + std::to_string(ppb) + " ppb", "clock");
      e.args = "{\"ppb\":" + std::to_string(ppb) + "}";
      clock_sample(r, true);
      return;
    }
    case world_rec::kNetWindow: {
      for (const OpenAsync& a : net_window_) async_end(ts, a.track, a.owner, a.id, a.name, a.cat);
      net_window_.clear();
      const uint64_t id = next_async_++;
      async_begin(ts, Track::kGlobal, 0, id, "network degraded", "fault");
      events_.back().args = "{\"loss_ppm\":" + std::to_string(r.f[0]) +
                            ",\"duplicate_ppm\":" + std::to_string(r.f[1]) + "}";
      net_window_.push_back(OpenAsync{id, Track::kGlobal, 0, "network degraded", "fault"});
      return;
    }
    case world_rec::kNetWindowEnd:
      for (const OpenAsync& a : net_window_) async_end(ts, a.track, a.owner, a.id, a.name, a.cat);
      net_window_.clear();
      return;
    case world_rec::kFaultSkipped:
      add('i', ts, n == kNoNode ? Track::kGlobal : Track::kNode, n == kNoNode ? 0 : n,
          "fault " + std::to_string(r.f[0]) + " skipped (" + enum_field(r.kind, 1, r.f[1]) + ")",
          "fault");
      return;
    default:
      return;
  }
}

void ChromeTraceWriter::provenance(const Record& r) {
  const std::vector<std::string>& text = schema_.names(name_table::kText);
  auto str = [&text](uint64_t i) {
    std::string s;
    append_string(s, i < text.size() ? text[static_cast<size_t>(i)] : std::string());
    return s;
  };
  if (r.kind == world_rec::kHeader) {
    header_ = ",\"leasesim\":" + str(r.f[0]) + ",\"scenario\":" + str(r.f[1]) +
              ",\"file\":" + str(r.f[2]) + ",\"seed\":" + std::to_string(r.f[3]) +
              ",\"protocol\":" + str(r.f[4]) + ",\"preset\":" + str(r.f[5]);
    return;
  }
  knobs_ += (knobs_.empty() ? "" : ",") + str(r.f[0]) + ":" + str(r.f[1]);
  if (r.f[2] != 0) overrides_ += (overrides_.empty() ? "" : ",") + str(r.f[0]);
}

void ChromeTraceWriter::write(const Record& r) {
  const int64_t ts = r.time.ns();
  if (ts > last_ts_) last_ts_ = ts;
  if (events_.size() >= kMaxEvents) {
    ++skipped_;
    return;
  }
  if (r.node != kNoNode) clock_sample(r, false);
  switch (r.kind) {
    case world_rec::kSend:
    case world_rec::kDeliver:
    case world_rec::kDrop:
      message(r);
      return;
    case world_rec::kHeader:
    case world_rec::kKnob:
      provenance(r);
      return;
    case obs::kRole: {
      if (is_server_.size() <= r.node) is_server_.resize(r.node + 1, 0);
      is_server_[r.node] = 1;
      open_span(r.node, ts, enum_field(r.kind, 0, r.f[0]) + " t" + std::to_string(r.f[1]));
      return;
    }
    case obs::kLeaderReady:
      add('i', ts, Track::kNode, r.node, "leader ready t" + std::to_string(r.f[0]), "role");
      return;
    case obs::kLeaseGranted:
      if (repeated_change(r.f[0], r.f[5])) return;
      core_open_.push_back(
          CoreOpen{static_cast<uint32_t>(r.f[0]), r.f[1], ts, node(r.f[2]), r.f[3]});
      return;
    case obs::kLeaseFreed:
      if (repeated_change(r.f[0], r.f[3])) return;
      for (size_t i = 0; i < core_open_.size(); ++i) {
        const CoreOpen& c = core_open_[i];
        if (c.resource != r.f[0] || c.lease != r.f[1]) continue;
        core_.push_back(Interval{c.resource, 0, c.from, ts, "core: " + c.holder,
                                 "{\"lease\":" + std::to_string(c.lease) +
                                     ",\"token\":" + std::to_string(c.token) + ",\"freed\":\"" +
                                     enum_field(r.kind, 2, r.f[2]) + "\"}"});
        core_open_.erase(core_open_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
      return;
    case world_rec::kBeliefInterval:
      beliefs_.push_back(Interval{
          static_cast<uint32_t>(r.f[0]), static_cast<uint32_t>(r.f[2]),
          static_cast<int64_t>(r.f[4]), static_cast<int64_t>(r.f[5]), node(r.f[2]),
          "{\"lease\":" + std::to_string(r.f[1]) + ",\"token\":" + std::to_string(r.f[3]) + "}"});
      return;
    case world_rec::kViolation:
      violations_.push_back(
          PendingViolation{static_cast<uint16_t>(r.f[0]), static_cast<uint32_t>(r.f[1]),
                           static_cast<uint32_t>(r.f[2]), static_cast<uint32_t>(r.f[3]),
                           static_cast<int64_t>(r.f[4]), static_cast<int64_t>(r.f[5])});
      return;
    case obs::kBeliefBegin:
    case obs::kBeliefEnd:
    case obs::kWriteRejected:
      add('i', ts, Track::kNode, r.node,
          std::string(schema_.find(r.kind) ? schema_.find(r.kind)->name : "?") + " " +
              resource(r.f[0]),
          "lease");
      return;
    default:
      if (r.kind >= kind_range::kWorld && r.kind < kind_range::kProtocol) fault(r);
      return;
  }
}

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
  append_int(out, static_cast<int64_t>(kMaxFlows));
  out += ",\"dropped_shown\":";
  append_int(out, static_cast<int64_t>(std::min(drops_, kMaxDrops)));
  out += ",\"records_not_shown\":";
  append_int(out, static_cast<int64_t>(skipped_));
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
