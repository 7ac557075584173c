// The Chrome Trace Event writer's fault tracks (chrome_trace.hpp): node
// faults as instants and async spans, partitions and network windows
// run-wide, clock changes as instants with a counter sample.
#include <utility>

#include "chrome_json.hpp"
#include "leasesim/report/chrome_trace.hpp"
#include "leasesim/world/records.hpp"

namespace leasesim {

using chrome::append_string;
using chrome::ms_text;

void ChromeTraceWriter::healable(int64_t ts, uint32_t owner, std::string name) {
  const uint64_t id = next_async_++;
  async_begin(ts, Track::kNode, owner, id, name, "fault");
  healable_.push_back(OpenAsync{id, Track::kNode, owner, std::move(name), "fault"});
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
      const auto m = decode_as<world_rec::GroupMember>(r);
      const auto group = static_cast<size_t>(m.group);
      if (partition_members_.size() <= group) partition_members_.resize(group + 1);
      partition_members_[group].push_back(node(m.member));
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
    case world_rec::kCut: {
      const auto c = decode_as<world_rec::Cut>(r);
      healable(ts, c.from, "cut -> " + node(c.to));
      return;
    }
    case world_rec::kIsolate:
      healable(ts, n, "isolated");
      return;
    case world_rec::kHeal:
      add('i', ts, Track::kGlobal, 0, "heal", "fault");
      for (const OpenAsync& a : healable_) async_end(ts, a.track, a.owner, a.id, a.name, a.cat);
      healable_.clear();
      return;
    case world_rec::kClockStep: {
      const int64_t by = decode_as<world_rec::ClockStep>(r).by.ns();
      Event& e = add('i', ts, Track::kNode, n,
                     "clock step " + std::string(by >= 0 ? "+" : "") + ms_text(by) + "ms", "clock");
      e.args = "{\"by_ms\":" + ms_text(by) + "}";
      clock_sample(r, true);
      return;
    }
    case world_rec::kDrift: {
      const int64_t ppb = decode_as<world_rec::Drift>(r).ppb;
      Event& e = add('i', ts, Track::kNode, n, "drift " + std::to_string(ppb) + " ppb", "clock");
      e.args = "{\"ppb\":" + std::to_string(ppb) + "}";
      clock_sample(r, true);
      return;
    }
    case world_rec::kNetWindow: {
      const auto w = decode_as<world_rec::NetWindow>(r);
      for (const OpenAsync& a : net_window_) async_end(ts, a.track, a.owner, a.id, a.name, a.cat);
      net_window_.clear();
      const uint64_t id = next_async_++;
      async_begin(ts, Track::kGlobal, 0, id, "network degraded", "fault");
      events_.back().args = "{\"loss_ppm\":" + std::to_string(w.loss_ppm) +
                            ",\"duplicate_ppm\":" + std::to_string(w.duplicate_ppm) + "}";
      net_window_.push_back(OpenAsync{id, Track::kGlobal, 0, "network degraded", "fault"});
      return;
    }
    case world_rec::kNetWindowEnd:
      for (const OpenAsync& a : net_window_) async_end(ts, a.track, a.owner, a.id, a.name, a.cat);
      net_window_.clear();
      return;
    case world_rec::kFaultSkipped: {
      const auto s = decode_as<world_rec::FaultSkipped>(r);
      add('i', ts, n == kNoNode ? Track::kGlobal : Track::kNode, n == kNoNode ? 0 : n,
          "fault " + std::to_string(s.fault) + " skipped (" +
              enum_field(r.kind, 1, field_of(s.why)) + ")",
          "fault");
      return;
    }
    default:
      return;
  }
}

}  // namespace leasesim
