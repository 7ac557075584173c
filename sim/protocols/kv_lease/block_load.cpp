// Reading kv-lease's block with the loader's diagnostics, and its rules
// across fields (reported after the generic sections').
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "block.hpp"
#include "leasesim/format/enums.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/format/ranges.hpp"
#include "leasesim/protocols/workload/group_block.hpp"

namespace leasesim::kv_lease::block {

using format::check_range_order;
using format::field_value;
using format::FieldValue;
using format::get_bool;
using format::get_duration;
using format::get_enum;
using format::get_string;
using format::get_u32;
using format::member;
using format::read_range;

namespace {

// Elections (elector x resource) in one scenario: each holds state and a
// few pending timers for the whole run.
constexpr uint64_t kMaxElections = 1'000'000;

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
  void read_kv();
  void read_election();
  void read_electors();
  bool read_group(const json* g, const std::string& path, workload::GroupNames* names,
                  ElectorGroup* out);
  std::function<void(format::Sink&)> timing_checks() const;

  const BlockInput& in_;
  format::Sink& diag_;
  const Tables& t_;
  std::shared_ptr<Config> c_ = std::make_shared<Config>();
  BlockOutput out_;
  bool servers_listed_ = false;
  std::function<void(format::Sink&)> core_checks_;
  std::vector<std::string> origins_;  // per elector, where its name is given
};

BlockOutput Reader::run() {
  c_->resources = static_cast<uint32_t>(in_.resources.size());
  read_protocol();
  read_kv();
  read_election();
  read_electors();
  const uint32_t servers = c_->servers;
  const bool listed = servers_listed_;
  auto origins = std::make_shared<std::vector<std::string>>(std::move(origins_));
  const raft::CoreBlockTypes* core = &t_.kv;
  out_.origin = [servers, listed, origins, core](NodeId id) -> std::string {
    if (id < servers) return raft::server_origin(*core, listed, id);
    const size_t i = id - servers;
    return i < origins->size() ? (*origins)[i] : "the electors";
  };
  out_.late_checks = timing_checks();
  out_.preset = c_->preset;
  out_.config = c_;
  return std::move(out_);
}

void Reader::read_protocol() {
  const json* p = top("protocol");
  get_string(p, t_.protocol, "preset", &c_->preset);
  Knobs k;
  if (!preset_knobs(c_->preset, &k)) k = Knobs{};
  const json* o = member(p, t_.protocol, "knobs");
  const Type* kt = t_.knobs;
  get_enum(o, kt, "expiry_basis", {ExpiryBasis::kObserved, ExpiryBasis::kRecord}, &k.expiry_basis);
  get_enum(o, kt, "timing_check", {TimingCheck::kStrict, TimingCheck::kClientGo, TimingCheck::kOff},
           &k.timing_check);
  get_enum(o, kt, "release", {Release::kNone, Release::kOnCancel, Release::kAfterStop}, &k.release);
  get_duration(o, kt, "stop_latency", &k.stop_latency);
  get_enum(o, kt, "deadline", {Deadline::kSuccess, Deadline::kRound}, &k.deadline);
  get_enum(o, kt, "anchor", {Anchor::kSend, Anchor::kReceipt}, &k.anchor);
  get_enum(o, kt, "observe", {Observe::kVersion, Observe::kSpec}, &k.observe);
  get_enum(o, kt, "reads", {Reads::kBarrier, Reads::kLeader, Reads::kAny}, &k.reads);
  get_enum(o, kt, "update", {Update::kCas, Update::kBlind}, &k.update);
  c_->knobs = k;
}

void Reader::read_kv() {
  raft::CoreBlock core = raft::read_core_block(top("kv"), t_.kv, &out_);
  c_->servers = core.servers;
  c_->core = core.settings;
  servers_listed_ = core.servers_listed;
  core_checks_ = std::move(core.checks);
  get_enum(top("kv"), t_.kv.block, "check_quorum",
           {raft::QuorumCheck::kOff, raft::QuorumCheck::kTick, raft::QuorumCheck::kDeadline},
           &c_->check_quorum);
}

void Reader::read_election() {
  const json* e = top("election");
  get_duration(e, t_.election, "lease_duration", &c_->lease_duration);
  get_duration(e, t_.election, "renew_deadline", &c_->renew_deadline);
  get_duration(e, t_.election, "retry_period", &c_->retry_period);
  // client-go's JitterFactor 1.2, in whole nanoseconds.
  c_->jitter = Duration(c_->retry_period.ns() / 5 * 6 + c_->retry_period.ns() % 5 * 6 / 5);
  get_duration(e, t_.election, "jitter", &c_->jitter);
  get_duration(e, t_.election, "request_timeout", &c_->request_timeout);
  get_bool(e, t_.election, "fast_path", &c_->fast_path);
}

bool Reader::read_group(const json* g, const std::string& path, workload::GroupNames* names,
                        ElectorGroup* out) {
  const Type* et = t_.elector;
  // Named as the lock services' requestor groups are (name, names or
  // count + prefix), with the same reading; the rest is kv-lease's own.
  const bool ok = workload::read_names(g, et, path, names);
  const FieldValue res = field_value(g, et, "resources");
  if (res.value != nullptr && res.value->is_array()) {
    for (size_t i = 0; i < res.value->size(); ++i) {
      const auto& n = (*res.value)[i].get_ref<const std::string&>();
      const auto it = in_.resource_ids.find(n);
      if (it != in_.resource_ids.end())
        out->resources.push_back(it->second);
      else
        in_.unknown_resource(diag_, path + "/resources/" + std::to_string(i), n);
    }
  }
  get_duration(g, et, "start", &out->start);
  if (const FieldValue v = field_value(g, et, "hold"); v.value != nullptr)
    read_range(*v.value, t_.range, &out->hold_min, &out->hold_max);
  if (const FieldValue v = field_value(g, et, "rejoin"); v.value != nullptr)
    read_range(*v.value, t_.range, &out->rejoin_min, &out->rejoin_max);
  check_range_order(diag_, path + "/hold", out->hold_min, out->hold_max, "hold");
  check_range_order(diag_, path + "/rejoin", out->rejoin_min, out->rejoin_max, "rejoin");
  return ok;
}

void Reader::read_electors() {
  const json* list = top("electors");
  std::vector<std::string>& names = out_.nodes.requestors;
  if (list == nullptr) {
    for (const char* n : {"alice", "bob"}) {
      names.push_back(n);
      c_->electors.push_back(ElectorGroup{});
      origins_.push_back("the default electors");
    }
    return;
  }
  if (!list->is_array() || list->size() > 10000) {
    out_.requestors_known = false;
    return;
  }
  // The groups are read and counted before any member is named: 10000
  // groups of 10000 electors each are a small file but 10^8 names, which
  // took minutes and gigabytes to build before the total was checked.
  std::vector<std::pair<workload::GroupNames, ElectorGroup>> groups;
  uint64_t total = 0;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string path = "/electors/" + std::to_string(i);
    workload::GroupNames group_names;
    ElectorGroup g;
    if (!read_group(&(*list)[i], path, &group_names, &g)) {
      out_.requestors_known = false;
      continue;
    }
    total += group_names.count;
    groups.emplace_back(std::move(group_names), std::move(g));
  }
  if (total > 10000) {
    diag_.error("/electors",
                "expected at most 10000 electors in all, found " + std::to_string(total));
    out_.requestors_known = false;
    return;
  }
  for (const auto& [group_names, g] : groups) {
    for (size_t k = 0; k < group_names.count; ++k) {
      names.push_back(group_names.member_name(k));
      c_->electors.push_back(g);
      origins_.push_back(group_names.member_origin(k));
    }
  }
  // Every election (an elector and a resource it campaigns for) keeps its
  // own state and timers from the start: 18 electors of a million
  // resources started 18 million timers at once, past what a run can hold.
  uint64_t elections = 0;
  for (const ElectorGroup& g : c_->electors)
    elections += g.resources.empty() ? c_->resources : g.resources.size();
  if (elections > kMaxElections) {
    diag_.error("/electors", "expected at most " + std::to_string(kMaxElections) +
                                 " elections in all (each elector times the resources it "
                                 "campaigns for), found " +
                                 std::to_string(elections));
    out_.requestors_known = false;
  }
}

std::function<void(format::Sink&)> Reader::timing_checks() const {
  const Config c = *c_;
  const json* e = top("election");
  const bool ok = field_value(e, t_.election, "lease_duration").valid &&
                  field_value(e, t_.election, "renew_deadline").valid &&
                  field_value(e, t_.election, "retry_period").valid;
  const std::function<void(format::Sink&)> core_checks = core_checks_;
  return [c, ok, core_checks](format::Sink& diag) {
    const std::string ld = format_duration(c.lease_duration);
    const std::string rd = format_duration(c.renew_deadline);
    const std::string rp = format_duration(c.retry_period);
    if (ok && c.knobs.timing_check == TimingCheck::kStrict &&
        c.lease_duration <= c.renew_deadline + c.retry_period) {
      diag.error("/election/renew_deadline",
                 "expected renew_deadline + retry_period (" + rd + " + " + rp +
                     ") shorter than lease_duration (" + ld +
                     "): a holder may lead that long after its last renewal, so a candidate "
                     "could take over while it still leads (knob timing_check \"strict\"; "
                     "\"client-go\" or \"off\" accept it)");
    }
    if (ok && c.knobs.timing_check == TimingCheck::kClientGo) {
      if (c.lease_duration <= c.renew_deadline)
        diag.error("/election/renew_deadline",
                   "expected a renew_deadline shorter than lease_duration (" + ld + "), found \"" +
                       rd + "\" (client-go: leaseDuration must be greater than renewDeadline)");
      const Duration min_rd =
          Duration(c.retry_period.ns() / 5 * 6 + c.retry_period.ns() % 5 * 6 / 5);
      if (c.renew_deadline <= min_rd)
        diag.error(
            "/election/renew_deadline",
            "expected a renew_deadline longer than 1.2 x retry_period (" + format_duration(min_rd) +
                "), found \"" + rd +
                "\" (client-go: renewDeadline must be greater than retryPeriod*JitterFactor)");
    }
    core_checks(diag);
  };
}

}  // namespace

BlockOutput load(const BlockInput& in, format::Sink& diag) {
  Reader r(in, diag);
  return r.run();
}

}  // namespace leasesim::kv_lease::block
