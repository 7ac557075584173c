// The Chrome Trace Event writer's session tracks (chrome_trace.hpp): per
// client with a session, what it believed of the session (safe, jeopardy)
// and the core's record of each session, from the protocol-neutral session
// observations (protocol/session_observations.hpp). A protocol without
// sessions writes none of these records, and its file has no session track.
#include <algorithm>
#include <string>

#include "chrome_json.hpp"
#include "leasesim/protocol/session_observations.hpp"
#include "leasesim/report/chrome_trace.hpp"

namespace leasesim {

using chrome::append_string;
using chrome::ms_text;

void ChromeTraceWriter::session(const Record& r) {
  const int64_t ts = r.time.ns();
  switch (r.kind) {
    case obs::kSessionBegin: {
      const auto b = decode_as<obs::SessionBegin>(r);
      // The first begin of a session counts: a new leader may record a
      // committed open again.
      if (!session_index_.emplace(b.session, sessions_.size()).second) return;
      SessionCore c;
      c.session = b.session;
      c.client = b.client;
      c.from = ts;
      c.timeout = b.timeout.ns();
      sessions_.push_back(c);
      return;
    }
    case obs::kSessionExtend: {
      const auto it = session_index_.find(decode_as<obs::SessionExtend>(r).session);
      if (it != session_index_.end() && sessions_[it->second].to < 0)
        ++sessions_[it->second].extensions;
      return;
    }
    case obs::kSessionEnd: {
      const auto e = decode_as<obs::SessionEnd>(r);
      const auto it = session_index_.find(e.session);
      if (it == session_index_.end() || sessions_[it->second].to >= 0) return;
      sessions_[it->second].to = ts;
      sessions_[it->second].reason = static_cast<uint8_t>(field_of(e.reason));
      return;
    }
    default: {
      const auto s = decode_as<obs::SessionState>(r);
      if (s.state == SessionView::kLost) {
        end_session_view(r.node, ts, "lost: " + enum_field(r.kind, 4, field_of(s.reason)));
        return;
      }
      end_session_view(r.node, ts, "");
      if (session_views_.size() <= r.node) session_views_.resize(r.node + 1);
      if (session_lanes_.size() <= r.node) session_lanes_.resize(r.node + 1, 0);
      session_lanes_[r.node] |= 1u;
      SessionViewOpen& v = session_views_[r.node];
      v.open = true;
      v.session = s.session;
      v.state = static_cast<uint8_t>(field_of(s.state));
      v.from = ts;
      v.begin_event = events_.size();
      std::string until;
      append_string(until, s.until.ns() >= INT64_MAX / 8 ? std::string("never")
                                                         : ms_text(s.until.ns()) + " ms");
      Event& e = add('B', ts, Track::kSession, r.node,
                     enum_field(r.kind, 1, v.state) + " s" + std::to_string(s.session), "session");
      e.args = "{\"session\":" + std::to_string(s.session) + ",\"until_" +
               enum_field(r.kind, 3, field_of(s.clock)) + "\":" + until + "}";
      return;
    }
  }
}

void ChromeTraceWriter::end_session_view(uint32_t client, int64_t ts, const std::string& why) {
  if (client >= session_views_.size() || !session_views_[client].open) return;
  SessionViewOpen& v = session_views_[client];
  v.open = false;
  std::string args;
  if (!why.empty()) {
    args = "{\"ended\":";
    append_string(args, why);
    args += "}";
  }
  if (ts == v.from && v.begin_event < events_.size()) {
    // Begun and ended at one instant: a slice of no length (E would sort
    // before its B).
    events_[v.begin_event].ph = 'X';
    events_[v.begin_event].dur = 0;
    return;
  }
  Event& e = add('E', ts, Track::kSession, client, events_[v.begin_event].name, "session");
  e.args = std::move(args);
}

void ChromeTraceWriter::lay_out_sessions(int64_t end) {
  for (uint32_t n = 0; n < session_views_.size(); ++n) end_session_view(n, end, "");
  std::vector<SessionCore> v = sessions_;
  std::stable_sort(v.begin(), v.end(), [](const SessionCore& a, const SessionCore& b) {
    return a.client != b.client ? a.client < b.client : a.from < b.from;
  });
  std::vector<int64_t> lane_end;
  uint32_t current = UINT32_MAX;
  for (const SessionCore& c : v) {
    if (c.client != current) {
      current = c.client;
      lane_end.clear();
    }
    const int64_t to = c.to < 0 ? std::max(c.from, end) : c.to;
    uint32_t lane = 0;
    while (lane < lane_end.size() && lane_end[lane] > c.from) ++lane;
    if (lane == lane_end.size())
      lane_end.push_back(to);
    else
      lane_end[lane] = to;
    lane = 1 + std::min<uint32_t>(lane, kSessionLanes - 2);
    if (session_lanes_.size() <= c.client) session_lanes_.resize(c.client + 1, 0);
    session_lanes_[c.client] |= 1u << lane;
    std::string args = "{\"session\":" + std::to_string(c.session) +
                       ",\"timeout_ms\":" + ms_text(c.timeout) +
                       ",\"extensions\":" + std::to_string(c.extensions) + ",\"ended\":";
    if (c.to < 0)
      args += "null";
    else
      append_string(args, enum_field(obs::kSessionEnd, 2, c.reason));
    args += "}";
    const std::string name = "core: session " + std::to_string(c.session);
    if (to == c.from) {
      Event& e = add('X', c.from, Track::kSession, c.client, name, "session");
      e.lane = lane;
      e.args = std::move(args);
      continue;
    }
    Event& b = add('B', c.from, Track::kSession, c.client, name, "session");
    b.lane = lane;
    b.args = std::move(args);
    add('E', to, Track::kSession, c.client, name, "session").lane = lane;
  }
}

void ChromeTraceWriter::session_metadata(
    const std::function<void(uint32_t, uint32_t, const std::string&, int64_t)>& thread) const {
  for (uint32_t n = 0; n < session_lanes_.size(); ++n) {
    for (uint32_t lane = 0; lane < kSessionLanes; ++lane) {
      if (!(session_lanes_[n] & (1u << lane))) continue;
      std::string name = node(n) + " session";
      if (lane > 0) name += " core record";
      if (lane > 1) name += " (" + std::to_string(lane) + ")";
      const uint32_t tid = n * kSessionLanes + lane + 1;
      thread(tid, tid, name, static_cast<int64_t>(tid));
    }
  }
}

}  // namespace leasesim
