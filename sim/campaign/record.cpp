#include "leasesim/campaign/record.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_fields.hpp"

namespace leasesim {

using json_fields::number_at;
using json_fields::object_at;
using json_fields::opt_ns_at;
using json_fields::string_at;
using json_fields::whole;
using json_fields::whole_at;
using nlohmann::json;

namespace {

std::optional<int64_t> sample(const Distribution& d, bool p99) {
  if (d.count == 0) return std::nullopt;
  return p99 ? d.p99.ns() : d.p50.ns();
}

std::string opt_ns(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string("null");
}

// A token of a run line, by its name: `parse` is parse_verdict or
// parse_end_name (report/verdict.hpp).
template <typename T, typename Parse>
T by_name(const std::string& text, Parse parse, const char* what) {
  T v{};
  if (!parse(text, &v))
    throw std::runtime_error(std::string("unknown ") + what + " \"" + text + "\"");
  return v;
}

}  // namespace

RunRecord RunRecord::from_run(uint64_t cell, uint64_t seed, const RunResult& r, uint64_t faults) {
  RunRecord s;
  s.cell = cell;
  s.seed = seed;
  for (const Violation& v : r.violations) {
    ++s.kinds[static_cast<size_t>(v.kind)];
    ++(is_warning(v.kind) ? s.warnings : s.failures);
  }
  s.end = r.reason;
  s.verdict = verdict_of(s.failures, s.end);
  s.trace_hash = r.trace_hash;
  s.events = r.events;
  s.faults = faults;
  s.grants = r.metrics.grants;
  s.elections = r.metrics.elections;
  s.availability = r.metrics.availability;
  s.acquire_p50 = sample(r.metrics.acquire_latency, false);
  s.acquire_p99 = sample(r.metrics.acquire_latency, true);
  s.handoff_p50 = sample(r.metrics.handoff_gap, false);
  s.handoff_p99 = sample(r.metrics.handoff_gap, true);
  s.failover_p50 = sample(r.metrics.failover, false);
  s.failover_p99 = sample(r.metrics.failover, true);
  s.write_p50 = sample(r.metrics.write_latency, false);
  s.write_p99 = sample(r.metrics.write_latency, true);
  s.messages = r.net.sent;
  int64_t held = 0;
  for (const ResourceMetrics& m : r.metrics.resources) held += m.held.ns();
  s.held_ns = held;
  if (r.load.worth_recording()) {
    const LoadStats& l = r.load;
    Load o;
    // One crash per run is the usual study; its times are the min (the
    // first sample is not kept, and min = p50 = max for one sample).
    if (l.election.count > 0) o.election = l.election.min.ns();
    if (l.election_heard.count > 0) o.election_heard = l.election_heard.min.ns();
    o.elections_unfinished = l.elections_unfinished;
    o.leader_handled_per_s = l.leader_handled_per_s();
    o.leader_sent_per_s = l.leader_sent_per_s();
    o.leader_queue_p50 = sample(l.leader_queue, false);
    o.leader_queue_p99 = sample(l.leader_queue, true);
    for (size_t t = 0; t < l.sent_by_type.size() && t < l.type_names.size(); ++t)
      if (l.sent_by_type[t] > 0) o.sent_by_type.emplace_back(l.type_names[t], l.sent_by_type[t]);
    // By name, as a parsed line gives them back (JSON objects sort keys).
    std::sort(o.sent_by_type.begin(), o.sent_by_type.end());
    s.load = std::move(o);
  }
  return s;
}

std::string RunRecord::failing_kinds() const {
  std::string out;
  for (size_t k = 0; k < kViolationKinds; ++k)
    if (shows(static_cast<ViolationKind>(k)))
      out += (out.empty() ? "" : ", ") + std::string(to_string(static_cast<ViolationKind>(k)));
  return out;
}

std::string RunRecord::format() const {
  // Built by hand: a fixed key order (nlohmann's objects sort their keys),
  // and no allocation per key beyond the growing string.
  std::string s = "{\"type\":\"run\",\"cell_index\":" + std::to_string(cell) +
                  ",\"seed\":" + std::to_string(seed) + ",\"verdict\":\"" + to_string(verdict) +
                  "\",\"violations\":{";
  bool first = true;
  for (size_t k = 0; k < kViolationKinds; ++k) {
    if (kinds[k] == 0) continue;
    s += (first ? "\"" : ",\"") + std::string(to_string(static_cast<ViolationKind>(k))) +
         "\":" + std::to_string(kinds[k]);
    first = false;
  }
  s += "},\"failures\":" + std::to_string(failures) + ",\"warnings\":" + std::to_string(warnings) +
       ",\"end\":\"" + end_name(end) + "\",\"trace_hash\":\"" + format_hash(trace_hash) +
       "\",\"events\":" + std::to_string(events) + ",\"faults\":" + std::to_string(faults) +
       ",\"grants\":" + std::to_string(grants) + ",\"elections\":" + std::to_string(elections) +
       ",\"availability\":" + json(availability).dump() +
       ",\"acquire_p50_ns\":" + opt_ns(acquire_p50) + ",\"acquire_p99_ns\":" + opt_ns(acquire_p99) +
       ",\"handoff_p50_ns\":" + opt_ns(handoff_p50) + ",\"handoff_p99_ns\":" + opt_ns(handoff_p99) +
       ",\"failover_p50_ns\":" + opt_ns(failover_p50) +
       ",\"failover_p99_ns\":" + opt_ns(failover_p99) + ",\"write_p50_ns\":" + opt_ns(write_p50) +
       ",\"write_p99_ns\":" + opt_ns(write_p99);
  if (messages) s += ",\"messages\":" + std::to_string(*messages);
  if (held_ns) s += ",\"held_ns\":" + std::to_string(*held_ns);
  if (load) {
    const Load& l = *load;
    s += ",\"load\":{\"election_ns\":" + opt_ns(l.election) +
         ",\"election_heard_ns\":" + opt_ns(l.election_heard) +
         ",\"elections_unfinished\":" + std::to_string(l.elections_unfinished) +
         ",\"leader_handled_per_s\":" + json(l.leader_handled_per_s).dump() +
         ",\"leader_sent_per_s\":" + json(l.leader_sent_per_s).dump() +
         ",\"leader_queue_p50_ns\":" + opt_ns(l.leader_queue_p50) +
         ",\"leader_queue_p99_ns\":" + opt_ns(l.leader_queue_p99) + ",\"sent_by_type\":{";
    for (size_t i = 0; i < l.sent_by_type.size(); ++i)
      s += (i ? ",\"" : "\"") + l.sent_by_type[i].first +
           "\":" + std::to_string(l.sent_by_type[i].second);
    s += "}}";
  }
  s += "}";
  return s;
}

bool RunRecord::parse(std::string_view line, RunRecord* out, std::string* error) {
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("type") || j["type"] != "run") {
    *error = "expected a run line ({\"type\":\"run\",...})";
    return false;
  }
  RunRecord r;
  try {
    r.cell = whole_at(j, "cell_index");
    r.seed = whole_at(j, "seed");
    r.verdict = by_name<Verdict>(string_at(j, "verdict"), parse_verdict, "verdict");
    for (const auto& [name, count] : object_at(j, "violations").items()) {
      ViolationKind k;
      if (!parse_violation_kind(name, &k))
        throw std::runtime_error("unknown violation kind \"" + name + "\"");
      r.kinds[static_cast<size_t>(k)] = whole(count, "/violations/" + name);
      (is_warning(k) ? r.warnings : r.failures) += r.kinds[static_cast<size_t>(k)];
    }
    if (r.failures != whole_at(j, "failures") || r.warnings != whole_at(j, "warnings"))
      throw std::runtime_error("failures and warnings do not add up to the violations");
    r.end = by_name<EndReason>(string_at(j, "end"), parse_end_name, "end");
    if (r.verdict != verdict_of(r.failures, r.end))
      throw std::runtime_error("the verdict does not follow from the violations and the end");
    const std::string hash = string_at(j, "trace_hash");
    const auto [p, ec] = std::from_chars(hash.data(), hash.data() + hash.size(), r.trace_hash, 16);
    if (hash.size() != 16 || ec != std::errc() || p != hash.data() + hash.size())
      throw std::runtime_error("trace_hash is not 16 hex digits");
    r.events = whole_at(j, "events");
    r.faults = whole_at(j, "faults");
    r.grants = whole_at(j, "grants");
    r.elections = whole_at(j, "elections");
    r.availability = number_at(j, "availability");
    r.acquire_p50 = opt_ns_at(j, "acquire_p50_ns");
    r.acquire_p99 = opt_ns_at(j, "acquire_p99_ns");
    r.handoff_p50 = opt_ns_at(j, "handoff_p50_ns");
    r.handoff_p99 = opt_ns_at(j, "handoff_p99_ns");
    r.failover_p50 = opt_ns_at(j, "failover_p50_ns");
    r.failover_p99 = opt_ns_at(j, "failover_p99_ns");
    if (j.contains("write_p50_ns")) r.write_p50 = opt_ns_at(j, "write_p50_ns");
    if (j.contains("write_p99_ns")) r.write_p99 = opt_ns_at(j, "write_p99_ns");
    if (j.contains("messages")) r.messages = whole_at(j, "messages");
    if (j.contains("held_ns")) {
      r.held_ns = opt_ns_at(j, "held_ns");
      if (!r.held_ns || *r.held_ns < 0) throw std::runtime_error("held_ns is not a duration");
    }
    if (j.contains("load")) {
      const json& lj = object_at(j, "load");
      Load l;
      l.election = opt_ns_at(lj, "election_ns", "/load");
      l.election_heard = opt_ns_at(lj, "election_heard_ns", "/load");
      l.elections_unfinished = whole_at(lj, "elections_unfinished", "/load");
      l.leader_handled_per_s = number_at(lj, "leader_handled_per_s", "/load");
      l.leader_sent_per_s = number_at(lj, "leader_sent_per_s", "/load");
      l.leader_queue_p50 = opt_ns_at(lj, "leader_queue_p50_ns", "/load");
      l.leader_queue_p99 = opt_ns_at(lj, "leader_queue_p99_ns", "/load");
      // Written sorted by name, as nlohmann reads them.
      for (const auto& [name, count] : object_at(lj, "sent_by_type", "/load").items())
        l.sent_by_type.emplace_back(name, whole(count, "/load/sent_by_type/" + name));
      r.load = std::move(l);
    }
  } catch (const std::exception& e) {
    *error = std::string("malformed run line: ") + e.what();
    return false;
  }
  *out = r;
  return true;
}

}  // namespace leasesim
