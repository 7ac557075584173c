// Reading session-lease's block: the preset and knobs, the core, session
// timing and the client groups, with the loader's diagnostics; the rules
// across fields come last (late_checks).
#include <algorithm>
#include <string>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"

namespace leasesim::session_lease::block {

namespace lim = scenario_limits;
using format::field_value;
using format::FieldValue;
using format::get_bool;
using format::get_duration;
using format::get_enum;
using format::get_string;
using format::get_uint;
using format::member;

namespace {

struct Group : workload::GroupNames {
  ClientConfig config;
};

class Reader {
 public:
  Reader(const BlockInput& in, format::Sink& diag) : in_(in), diag_(diag), t_(tables()) {}
  BlockOutput run();

 private:
  const json* top(std::string_view key) const {
    if (!in_.doc.is_object()) return nullptr;
    const auto it = in_.doc.find(std::string(key));
    return it == in_.doc.end() ? nullptr : &*it;
  }
  void read_protocol();
  void read_core();
  void read_session();
  bool read_group(const json* g, const std::string& path, Group* out);
  void read_requestors();
  std::function<void(format::Sink&)> late_checks() const;

  const BlockInput& in_;
  format::Sink& diag_;
  const Tables& t_;
  std::shared_ptr<Config> c_ = std::make_shared<Config>();
  BlockOutput out_;
  bool servers_listed_ = false;
  std::function<void(format::Sink&)> core_checks_;
  bool keepalive_set_ = false;
  std::shared_ptr<std::vector<Group>> groups_ = std::make_shared<std::vector<Group>>();
};

void Reader::read_protocol() {
  const json* p = top("protocol");
  get_string(p, t_.protocol, "preset", &c_->preset);
  Options o;
  if (!preset_options(c_->preset, &o)) o = Options{};
  const json* k = member(p, t_.protocol, "knobs");
  const Type* kt = t_.knobs;
  get_enum(k, kt, "local_timeout",
           {LocalTimeout::kConservative, LocalTimeout::kReceipt, LocalTimeout::kNone},
           &o.local_timeout);
  uint64_t ppm = 0;
  if (get_uint(k, kt, "drift_ppm", &ppm)) o.drift_ppm = static_cast<int64_t>(ppm);
  get_duration(k, kt, "margin", &o.margin);
  get_enum(k, kt, "jeopardy", {Jeopardy::kStop, Jeopardy::kHold}, &o.jeopardy);
  get_duration(k, kt, "grace", &o.grace);
  get_enum(k, kt, "expiry", {ExpiryJudge::kClient, ExpiryJudge::kServer}, &o.expiry);
  get_duration(k, kt, "lock_delay", &o.lock_delay);
  const json* sq = member(k, kt, "sequencer");
  get_bool(sq, t_.sequencer, "check", &o.sequencer.check);
  get_duration(sq, t_.sequencer, "window", &o.sequencer.window);
  get_bool(k, kt, "fencing", &o.fencing);
  get_enum(k, kt, "check_quorum", {QuorumCheck::kOff, QuorumCheck::kTick, QuorumCheck::kDeadline},
           &o.check_quorum);
  c_->options = o;
}

void Reader::read_core() {
  raft::CoreBlock core = raft::read_core_block(top("core"), t_.core, &out_);
  c_->servers = core.servers;
  c_->core = core.settings;
  servers_listed_ = core.servers_listed;
  core_checks_ = std::move(core.checks);
}

void Reader::read_session() {
  const json* s = top("session");
  get_duration(s, t_.session, "timeout", &c_->session_timeout);
  c_->keepalive_every = std::max(Duration(c_->session_timeout.ns() / 3), lim::kMinInterval);
  keepalive_set_ = get_duration(s, t_.session, "keepalive_every", &c_->keepalive_every);
  get_duration(s, t_.session, "request_timeout", &c_->request_timeout);
}

bool Reader::read_group(const json* g, const std::string& path, Group* out) {
  const bool names_ok = workload::read_names(g, t_.requestors.group, path, out);
  workload::read_workload(g, t_.requestors, path, in_, diag_, &out->config);
  return names_ok;
}

void Reader::read_requestors() {
  const json* list = top("requestors");
  std::vector<Group>& groups = *groups_;
  if (list == nullptr) {
    groups.emplace_back();
    read_group(nullptr, "", &groups.back());
  } else if (!list->is_array() || list->size() > lim::kMaxRequestors) {
    out_.requestors_known = false;
    return;
  } else {
    groups.resize(list->size());
    for (size_t i = 0; i < list->size(); ++i)
      if (!read_group(&(*list)[i], "/requestors/" + std::to_string(i), &groups[i]))
        out_.requestors_known = false;
  }
  if (!out_.requestors_known) return;
  uint64_t total = 0;
  uint64_t refs = 0;
  for (const Group& g : groups) {
    total += g.count;
    refs += g.count * g.config.resources.size();
  }
  if (!workload::check_totals(total, refs, list == nullptr ? "" : "/requestors",
                              t_.requestors.words, diag_)) {
    out_.requestors_known = false;
    return;
  }
  for (Group& g : groups) {
    g.first = out_.nodes.requestors.size();
    for (size_t k = 0; k < g.count; ++k) {
      out_.nodes.requestors.push_back(g.member_name(k));
      c_->clients.push_back(g.config);
    }
  }
}

std::function<void(format::Sink&)> Reader::late_checks() const {
  const Tables& t = t_;
  const json* s = top("session");
  const bool timeout_ok = field_value(s, t.session, "timeout").valid;
  const bool ka_ok = field_value(s, t.session, "keepalive_every").valid;
  const bool keepalive_set = keepalive_set_;
  struct Timing {
    Duration session_timeout, keepalive_every;
    Options options;
  };
  const Timing c{c_->session_timeout, c_->keepalive_every, c_->options};
  const std::function<void(format::Sink&)> core_checks = core_checks_;
  return [=](format::Sink& diag) {
    core_checks(diag);
    if (!timeout_ok || !ka_ok) return;
    if (c.keepalive_every >= c.session_timeout) {
      diag.error(keepalive_set ? "/session/keepalive_every" : "/session/timeout",
                 "expected a keepalive interval shorter than the session timeout (" +
                     format_duration(c.session_timeout) + "), found keepalive_every " +
                     format_duration(c.keepalive_every));
      return;
    }
    if (c.options.local_timeout != LocalTimeout::kConservative) return;
    const TimePoint zero;
    const Duration local = local_deadline(c.options, zero, zero, c.session_timeout) - zero;
    if (local <= Duration::zero()) {
      diag.error("/protocol/knobs",
                 "expected a conservative local timeout above zero, found the session timeout " +
                     format_duration(c.session_timeout) + " scaled by drift_ppm " +
                     std::to_string(c.options.drift_ppm) + " minus margin " +
                     format_duration(c.options.margin) + " = " + format_duration(local));
    } else if (local <= c.keepalive_every) {
      diag.warning("/session/keepalive_every",
                   "keepalive_every " + format_duration(c.keepalive_every) +
                       " is not shorter than the client's local timeout " + format_duration(local) +
                       ": clients fall into jeopardy between KeepAlives");
    }
  };
}

BlockOutput Reader::run() {
  c_->resources = static_cast<uint32_t>(in_.resources.size());
  read_protocol();
  read_core();
  read_session();
  read_requestors();
  for (const ClientConfig& cl : c_->clients)
    if (cl.write_every > Duration::zero()) c_->storage = true;
  if (c_->storage) out_.nodes.others = {"storage"};
  out_.reserved = {{"storage", "it names the storage node"}};
  const uint32_t servers = c_->servers;
  const bool listed = servers_listed_;
  const size_t first = c_->client_id(0);
  auto groups = groups_;
  const raft::CoreBlockTypes* core = &t_.core;
  out_.origin = [servers, listed, first, groups, core](NodeId id) -> std::string {
    if (id < servers) return raft::server_origin(*core, listed, id);
    if (id < first) return "the storage node";
    const size_t r = id - first;
    const Group& g = workload::group_of(*groups, r);
    return g.member_origin(r - g.first);
  };
  out_.late_checks = late_checks();
  out_.preset = c_->preset;
  out_.config = c_;
  return std::move(out_);
}

}  // namespace

BlockOutput load(const BlockInput& in, format::Sink& diag) {
  Reader r(in, diag);
  return r.run();
}

double events_per_second(const Config& c) {
  const double second = static_cast<double>(seconds(1).ns());
  double rate = second / static_cast<double>(c.core.heartbeat.ns()) * c.servers;
  for (const ClientConfig& r : c.clients) {
    // A KeepAlive, its read barrier's round and the answer.
    rate += (2.0 + 2.0 * c.servers) * second / static_cast<double>(c.keepalive_every.ns());
    // A request resent every request_timeout (the worst case: answers lost).
    rate += second / static_cast<double>(c.request_timeout.ns());
    if (r.write_every > Duration::zero()) rate += second / static_cast<double>(r.write_every.ns());
  }
  return rate;
}

}  // namespace leasesim::session_lease::block
