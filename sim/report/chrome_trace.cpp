// The Chrome Trace Event writer (chrome_trace.hpp): what each record adds
// to the tracks. Faults are in chrome_faults.cpp; the file itself, laid
// out and written at the end, in chrome_output.cpp.
#include "leasesim/report/chrome_trace.hpp"

#include <utility>

#include "chrome_json.hpp"
#include "leasesim/protocol/observations.hpp"
#include "leasesim/protocol/session_observations.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {

using chrome::append_string;
using chrome::ms_text;

namespace {

// Clock offsets are sampled at most this often per node (drift changes them
// continuously), except that steps and drift changes are always sampled.
constexpr int64_t kOffsetResolutionNs = 100'000;   // 0.1 ms
constexpr int64_t kOffsetIntervalNs = 10'000'000;  // 10 ms

// The resource a per-node lease instant is about.
ResourceId lease_instant_resource(const Record& r) {
  switch (r.kind) {
    case obs::kBeliefBegin:
      return decode_as<obs::BeliefBegin>(r).resource;
    case obs::kBeliefEnd:
      return decode_as<obs::BeliefEnd>(r).resource;
    default:
      return decode_as<obs::WriteRejected>(r).resource;
  }
}

}  // namespace

void ChromeTraceWriter::write(const Record& r) {
  const int64_t ts = r.time.ns();
  if (ts > last_ts_) last_ts_ = ts;
  const bool is_message =
      r.kind == world_rec::kSend || r.kind == world_rec::kDeliver || r.kind == world_rec::kDrop;
  // Messages have a budget of their own (message()); the rest share this one.
  const bool full = events_.size() - message_events_ >= limits_.events;
  if (full && !is_message) {
    ++skipped_;
    return;
  }
  if (r.node != kNoNode && !full) clock_sample(r, false);
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
    case world_rec::kRunEnd:
      // Its time (last_ts_, above) is where finish() closes what is still
      // open: the run's end, not its last record's time.
      add('i', ts, Track::kGlobal, 0,
          "run end (" + enum_field(r.kind, 0, decode_as<world_rec::RunEnd>(r).reason) + ")", "run");
      return;
    case obs::kRole: {
      const auto c = decode_as<obs::RoleChanged>(r);
      if (is_server_.size() <= r.node) is_server_.resize(r.node + 1, 0);
      is_server_[r.node] = 1;
      open_span(r.node, ts,
                enum_field(r.kind, 0, field_of(c.role)) + " t" + std::to_string(c.term));
      return;
    }
    case obs::kLeaderReady:
      add('i', ts, Track::kNode, r.node,
          "leader ready t" + std::to_string(decode_as<obs::LeaderReady>(r).term), "role");
      return;
    case obs::kLeaseGranted: {
      const auto g = decode_as<obs::LeaseGranted>(r);
      if (!core_changes_.first(g.resource, g.index)) return;
      core_open_.push_back(CoreOpen{g.resource, g.lease, ts, node(g.holder), g.token});
      return;
    }
    case obs::kLeaseFreed: {
      const auto f = decode_as<obs::LeaseFreed>(r);
      if (!core_changes_.first(f.resource, f.index)) return;
      for (size_t i = 0; i < core_open_.size(); ++i) {
        const CoreOpen& c = core_open_[i];
        if (c.resource != f.resource || c.lease != f.lease) continue;
        core_.push_back(Interval{c.resource, 0, c.from, ts, "core: " + c.holder,
                                 "{\"lease\":" + std::to_string(c.lease) +
                                     ",\"token\":" + std::to_string(c.token) + ",\"freed\":\"" +
                                     enum_field(r.kind, 2, field_of(f.reason)) + "\"}"});
        core_open_.erase(core_open_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
      return;
    }
    case world_rec::kBeliefInterval: {
      const auto b = decode_as<world_rec::BeliefInterval>(r);
      beliefs_.push_back(Interval{
          b.resource, b.holder, b.from.ns(), b.to.ns(), node(b.holder),
          "{\"lease\":" + std::to_string(b.lease) + ",\"token\":" + std::to_string(b.token) + "}"});
      return;
    }
    case world_rec::kViolation: {
      const auto v = decode_as<world_rec::ViolationFound>(r);
      violations_.push_back(
          PendingViolation{v.kind, v.resource, v.first, v.second, v.from.ns(), v.to.ns()});
      return;
    }
    case obs::kBeliefBegin:
    case obs::kBeliefEnd:
    case obs::kWriteRejected:
      add('i', ts, Track::kNode, r.node,
          std::string(schema_.find(r.kind) ? schema_.find(r.kind)->name : "?") + " " +
              resource(lease_instant_resource(r)),
          "lease");
      return;
    case obs::kSessionBegin:
    case obs::kSessionExtend:
    case obs::kSessionEnd:
    case obs::kSessionState:
      session(r);
      return;
    default:
      // A crashed client's view of its session ends with it.
      if (r.kind == world_rec::kCrash) end_session_view(r.node, ts, "crashed");
      if (r.kind >= kind_range::kWorld && r.kind < kind_range::kProtocol) fault(r);
      return;
  }
}

ChromeTraceWriter::ChromeTraceWriter(const TraceSchema& schema, AtomicFile file)
    : ChromeTraceWriter(schema, std::move(file), Limits{}) {}

ChromeTraceWriter::ChromeTraceWriter(const TraceSchema& schema, AtomicFile file, Limits limits)
    : schema_(schema), file_(std::move(file)), limits_(limits) {}

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
  if (r.kind == world_rec::kSend) {
    const auto s = decode_as<world_rec::Send>(r);
    ++messages_;
    sends_[s.id] = PendingSend{r.time.ns(), r.node, s.type};
    return;
  }
  if (r.kind == world_rec::kDeliver) {
    const uint64_t id = decode_as<world_rec::Deliver>(r).id;
    const auto it = sends_.find(id);
    if (it == sends_.end()) return;  // a duplicate's later copy: one slice pair per message
    const PendingSend s = it->second;
    sends_.erase(it);
    if (slices_ >= limits_.message_slices) {
      ++messages_not_shown_;
      return;
    }
    ++slices_;
    const size_t before = events_.size();
    const std::string type = enum_field(world_rec::kSend, 1, s.type);
    // A 1 ns slice at each end (for the arrow to attach to, if it has one).
    Event& a = add('X', s.ts, Track::kNode, s.from, type + " -> " + node(r.node), "msg");
    a.dur = 1;
    a.args = "{\"id\":" + std::to_string(id) + "}";
    const bool arrow = flows_ < limits_.flows;
    if (arrow) add('s', s.ts, Track::kNode, s.from, "msg", "msg").id = id;
    Event& b = add('X', r.time.ns(), Track::kNode, r.node, type + " <- " + node(s.from), "msg");
    b.dur = 1;
    b.args =
        "{\"id\":" + std::to_string(id) + ",\"latency_ms\":" + ms_text(r.time.ns() - s.ts) + "}";
    if (arrow) {
      add('f', r.time.ns(), Track::kNode, r.node, "msg", "msg").id = id;
      ++flows_;
    }
    message_events_ += events_.size() - before;
    return;
  }
  const auto d = decode_as<world_rec::Drop>(r);
  // Dropped as it was sent: no copy of it is on its way.
  const auto it = sends_.find(d.id);
  if (it != sends_.end() && it->second.ts == r.time.ns() && it->second.from == r.node)
    sends_.erase(it);
  if (drops_++ >= limits_.drops) return;
  ++message_events_;
  Event& e = add('i', r.time.ns(), Track::kNode, r.node,
                 "drop " + enum_field(world_rec::kDrop, 1, d.type) + " -> " + node(d.to) + " (" +
                     enum_field(world_rec::kDrop, 3, d.reason) + ")",
                 "drop");
  e.args = "{\"id\":" + std::to_string(d.id) + "}";
}

void ChromeTraceWriter::provenance(const Record& r) {
  const std::vector<std::string>& text = schema_.names(name_table::kText);
  auto str = [&text](uint64_t i) {
    std::string s;
    append_string(s, i < text.size() ? text[static_cast<size_t>(i)] : std::string());
    return s;
  };
  if (r.kind == world_rec::kHeader) {
    const auto h = decode_as<world_rec::Header>(r);
    header_ = ",\"leasesim\":" + str(h.version) + ",\"scenario\":" + str(h.scenario) +
              ",\"file\":" + str(h.file) + ",\"seed\":" + std::to_string(h.seed) +
              ",\"protocol\":" + str(h.protocol) + ",\"preset\":" + str(h.preset);
    return;
  }
  const auto k = decode_as<world_rec::Knob>(r);
  knobs_ += (knobs_.empty() ? "" : ",") + str(k.name) + ":" + str(k.value);
  if (k.overridden) overrides_ += (overrides_.empty() ? "" : ",") + str(k.name);
}

}  // namespace leasesim
