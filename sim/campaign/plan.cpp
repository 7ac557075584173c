#include "leasesim/world/results.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "leasesim/core/rng.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {

using nlohmann::json;

namespace {

bool parse_u64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

const char* end_name(EndReason r) {
  switch (r) {
    case EndReason::kCompleted:
      return "completed";
    case EndReason::kQuiescent:
      return "quiescent";
    case EndReason::kViolation:
      return "violation";
    case EndReason::kEventBudget:
      return "event_budget";
    case EndReason::kWallTimeout:
      return "timeout";
  }
  return "?";
}

std::optional<int64_t> p50(const Distribution& d) {
  if (d.count == 0) return std::nullopt;
  return d.p50.ns();
}

json opt(const std::optional<int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}

json parse_line(std::string_view line) {
  return json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
}

bool parse_hash(const std::string& s, uint64_t* out) {
  if (s.size() != 16) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

// --- SeedPlan ----------------------------------------------------------

uint64_t SeedPlan::count() const {
  const uint64_t n = total();
  return n / shards + ((shard - 1) < n % shards ? 1 : 0);
}

std::string SeedPlan::seeds_text() const {
  return std::to_string(first) + ".." + std::to_string(last);
}

std::string SeedPlan::shard_text() const {
  return std::to_string(shard) + "/" + std::to_string(shards);
}

bool parse_seed_range(std::string_view text, uint64_t* first, uint64_t* last, std::string* error) {
  const size_t dots = text.find("..");
  uint64_t a = 1, b = 0;
  bool ok;
  if (dots == std::string_view::npos) {
    ok = parse_u64(text, &b) && b >= 1;
  } else {
    ok = parse_u64(text.substr(0, dots), &a) && parse_u64(text.substr(dots + 2), &b) && a <= b;
  }
  if (ok && a == 0 && b == UINT64_MAX) ok = false;  // 2^64 seeds do not fit a count
  if (!ok) {
    *error = "expected seeds as A..B (inclusive, A <= B) or N (meaning 1..N), found \"" +
             std::string(text) + "\"";
    return false;
  }
  *first = a;
  *last = b;
  return true;
}

bool parse_shard(std::string_view text, uint32_t* shard, uint32_t* shards, std::string* error) {
  const size_t slash = text.find('/');
  uint64_t k = 0, n = 0;
  if (slash == std::string_view::npos || !parse_u64(text.substr(0, slash), &k) ||
      !parse_u64(text.substr(slash + 1), &n) || n < 1 || n > UINT32_MAX || k < 1 || k > n) {
    *error =
        "expected a shard K/N with 1 <= K <= N (e.g. 3/8), found \"" + std::string(text) + "\"";
    return false;
  }
  *shard = static_cast<uint32_t>(k);
  *shards = static_cast<uint32_t>(n);
  return true;
}

// --- Header ------------------------------------------------------------

std::string ResultsHeader::format() const {
  json j = json::object();
  j["results"] = 1;
  j["command"] = command;
  j["scenario"] = scenario;
  j["digest"] = digest;
  j["seeds"] = plan.seeds_text();
  j["shard"] = plan.shards == 1 ? json(nullptr) : json(plan.shard_text());
  j["stop_on_first"] = stop_on_first;
  j["options"] = options;
  return j.dump();
}

bool ResultsHeader::parse(std::string_view line, ResultsHeader* out, std::string* error) {
  const json j = parse_line(line);
  if (!j.is_object() || !j.contains("results") || j["results"] != 1) {
    *error = "not a leasesim results file (the first line is not a results header)";
    return false;
  }
  ResultsHeader h;
  try {
    h.command = j.at("command").get<std::string>();
    h.scenario = j.at("scenario").get<std::string>();
    h.digest = j.at("digest").get<std::string>();
    if (!parse_seed_range(j.at("seeds").get<std::string>(), &h.plan.first, &h.plan.last, error))
      return false;
    if (!j.at("shard").is_null() &&
        !parse_shard(j.at("shard").get<std::string>(), &h.plan.shard, &h.plan.shards, error))
      return false;
    h.stop_on_first = j.at("stop_on_first").get<bool>();
    h.options = j.at("options");
  } catch (const json::exception& e) {
    *error = std::string("malformed results header: ") + e.what();
    return false;
  }
  *out = std::move(h);
  return true;
}

std::string scenario_digest(const std::string& canonical_json_text) {
  return format_hash(fnv1a64(canonical_json_text));
}

// --- Seed lines --------------------------------------------------------

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kHolds:
      return "holds";
    case Verdict::kViolation:
      return "violation";
    case Verdict::kIncomplete:
      return "incomplete";
  }
  return "?";
}

SeedRecord SeedRecord::from_run(uint64_t seed, const RunResult& r, uint64_t faults) {
  SeedRecord s;
  s.seed = seed;
  s.failures = r.failures;
  s.warnings = r.violations.size() - r.failures;
  bool seen[static_cast<size_t>(ViolationKind::kCount)] = {};
  for (const Violation& v : r.violations) {
    if (!is_warning(v.kind)) seen[static_cast<size_t>(v.kind)] = true;
  }
  for (size_t k = 0; k < static_cast<size_t>(ViolationKind::kCount); ++k) {
    if (seen[k]) s.violations.emplace_back(to_string(static_cast<ViolationKind>(k)));
  }
  const bool cut_short = r.reason == EndReason::kEventBudget || r.reason == EndReason::kWallTimeout;
  s.verdict = r.failures > 0 ? Verdict::kViolation
              : cut_short    ? Verdict::kIncomplete
                             : Verdict::kHolds;
  s.trace_hash = r.trace_hash;
  s.events = r.events;
  s.grants = r.metrics.grants;
  s.availability = r.metrics.availability;
  s.elections = r.metrics.elections;
  s.acquire_p50_ns = p50(r.metrics.acquire_latency);
  s.handoff_p50_ns = p50(r.metrics.handoff_gap);
  s.failover_p50_ns = p50(r.metrics.failover);
  s.faults = faults;
  s.end = end_name(r.reason);
  return s;
}

std::string SeedRecord::format() const {
  // nlohmann's ordered output would sort keys; build the line by hand to
  // keep the documented order (seed first, so lines read well and sort).
  std::string out = "{\"seed\":" + std::to_string(seed);
  out += ",\"verdict\":\"" + std::string(to_string(verdict)) + "\"";
  out += ",\"violations\":" + json(violations).dump();
  out += ",\"failures\":" + std::to_string(failures);
  out += ",\"warnings\":" + std::to_string(warnings);
  out += ",\"trace_hash\":\"" + format_hash(trace_hash) + "\"";
  out += ",\"events\":" + std::to_string(events);
  out += ",\"grants\":" + std::to_string(grants);
  out += ",\"availability\":" + json(availability).dump();
  out += ",\"elections\":" + std::to_string(elections);
  out += ",\"acquire_p50_ns\":" + opt(acquire_p50_ns).dump();
  out += ",\"handoff_p50_ns\":" + opt(handoff_p50_ns).dump();
  out += ",\"failover_p50_ns\":" + opt(failover_p50_ns).dump();
  out += ",\"faults\":" + std::to_string(faults);
  out += ",\"end\":\"" + end + "\"}";
  return out;
}

bool SeedRecord::parse(std::string_view line, SeedRecord* out, std::string* error) {
  const json j = parse_line(line);
  if (!j.is_object() || !j.contains("seed")) {
    *error = "expected a seed line ({\"seed\": ...})";
    return false;
  }
  SeedRecord s;
  try {
    s.seed = j.at("seed").get<uint64_t>();
    const std::string verdict = j.at("verdict").get<std::string>();
    if (verdict == "holds")
      s.verdict = Verdict::kHolds;
    else if (verdict == "violation")
      s.verdict = Verdict::kViolation;
    else if (verdict == "incomplete")
      s.verdict = Verdict::kIncomplete;
    else
      throw std::runtime_error("unknown verdict \"" + verdict + "\"");
    s.violations = j.at("violations").get<std::vector<std::string>>();
    s.failures = j.at("failures").get<uint64_t>();
    s.warnings = j.at("warnings").get<uint64_t>();
    if (!parse_hash(j.at("trace_hash").get<std::string>(), &s.trace_hash))
      throw std::runtime_error("trace_hash is not 16 hex digits");
    s.events = j.at("events").get<uint64_t>();
    s.grants = j.at("grants").get<uint64_t>();
    s.availability = j.at("availability").get<double>();
    s.elections = j.at("elections").get<uint64_t>();
    auto p = [&](const char* key, std::optional<int64_t>* v) {
      const json& x = j.at(key);
      if (!x.is_null()) *v = x.get<int64_t>();
    };
    p("acquire_p50_ns", &s.acquire_p50_ns);
    p("handoff_p50_ns", &s.handoff_p50_ns);
    p("failover_p50_ns", &s.failover_p50_ns);
    s.faults = j.at("faults").get<uint64_t>();
    s.end = j.at("end").get<std::string>();
  } catch (const std::exception& e) {
    *error = std::string("malformed seed line: ") + e.what();
    return false;
  }
  *out = std::move(s);
  return true;
}

// --- Summary -----------------------------------------------------------

void SummaryBuilder::add(const SeedRecord& r) {
  ++runs_;
  events_ += r.events;
  faults_ += r.faults;
  availability_sum_ += r.availability;
  last_was_violation_ = r.verdict == Verdict::kViolation;
  switch (r.verdict) {
    case Verdict::kHolds:
      ++holds_;
      break;
    case Verdict::kIncomplete:
      ++incomplete_;
      break;
    case Verdict::kViolation:
      ++violation_;
      if (!first_violation_) first_violation_ = r.seed;
      if (failing_.size() < kListedFailures) failing_.push_back(r.seed);
      for (const std::string& k : r.violations) ++kinds_[k];
      break;
  }
}

std::string SummaryBuilder::status(const ResultsHeader& h) const {
  if (runs_ == h.plan.count()) return "complete";
  if (h.stop_on_first && last_was_violation_) return "stopped-on-first";
  return "interrupted";
}

std::string SummaryBuilder::format(const ResultsHeader& h) const {
  json s = json::object();
  s["scenario"] = h.scenario;
  s["seeds"] = h.plan.seeds_text();
  s["shard"] = h.plan.shards == 1 ? json(nullptr) : json(h.plan.shard_text());
  s["status"] = status(h);
  s["runs"] = runs_;
  s["holds"] = holds_;
  s["violation"] = violation_;
  s["incomplete"] = incomplete_;
  s["violation_kinds"] = json(kinds_);
  s["first_violation"] = first_violation_ ? json(*first_violation_) : json(nullptr);
  s["failing_seeds"] = failing_;
  s["events"] = events_;
  s["faults"] = faults_;
  s["availability_mean"] = runs_ ? availability_sum_ / static_cast<double>(runs_) : 1.0;
  return json{{"summary", s}}.dump();
}

// --- Reading -----------------------------------------------------------

bool read_results(const std::string& path, ResultsFile* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  ResultsFile f;
  f.path = path;
  size_t pos = 0;
  size_t line_no = 0;
  bool have_header = false;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    ++line_no;
    auto where = [&] { return path + ": line " + std::to_string(line_no) + ": "; };
    if (nl == std::string::npos) {
      // A cut-off last line (a hard kill mid-write): dropped.
      f.partial_tail = true;
      break;
    }
    const std::string_view line(text.data() + pos, nl - pos);
    if (!have_header) {
      if (!ResultsHeader::parse(line, &f.header, error)) {
        *error = where() + *error;
        return false;
      }
      have_header = true;
    } else if (f.summary) {
      *error = where() + "unexpected line after the summary";
      return false;
    } else if (line.rfind("{\"summary\":", 0) == 0) {
      json j = parse_line(line);
      if (!j.is_object() || !j.contains("summary")) {
        *error = where() + "malformed summary line";
        return false;
      }
      f.summary = std::move(j["summary"]);
    } else {
      SeedRecord r;
      if (!SeedRecord::parse(line, &r, error)) {
        *error = where() + *error;
        return false;
      }
      const uint64_t i = f.records.size();
      if (i >= f.header.plan.count() || r.seed != f.header.plan.seed(i)) {
        *error = where() + "seed " + std::to_string(r.seed) +
                 " is out of order or not in this file's plan (seeds " +
                 f.header.plan.seeds_text() +
                 (f.header.plan.shards > 1 ? ", shard " + f.header.plan.shard_text() : "") + ")";
        return false;
      }
      f.records.push_back(std::move(r));
      f.lines.emplace_back(line);
    }
    pos = nl + 1;
    if (!f.summary) f.good_bytes = pos;
  }
  if (!have_header) {
    *error = path + ": empty or cut off before its header line";
    return false;
  }
  *out = std::move(f);
  return true;
}

// --- Merging -----------------------------------------------------------

bool merge_results(const std::vector<ResultsFile>& inputs, std::string* text, std::string* error) {
  if (inputs.empty()) {
    *error = "nothing to merge";
    return false;
  }
  const ResultsHeader& h0 = inputs[0].header;
  const uint32_t n = h0.plan.shards;
  std::vector<const ResultsFile*> by_shard(n, nullptr);
  for (const ResultsFile& f : inputs) {
    const ResultsHeader& h = f.header;
    if (h.command != h0.command || h.scenario != h0.scenario || h.digest != h0.digest ||
        h.plan.first != h0.plan.first || h.plan.last != h0.plan.last || h.plan.shards != n ||
        h.stop_on_first != h0.stop_on_first || h.options != h0.options) {
      *error = f.path + ": not a shard of the same run as " + inputs[0].path +
               " (the headers differ in more than the shard)";
      return false;
    }
    if (by_shard[h.plan.shard - 1] != nullptr) {
      *error = f.path + ": shard " + h.plan.shard_text() + " given twice (also " +
               by_shard[h.plan.shard - 1]->path + ")";
      return false;
    }
    by_shard[h.plan.shard - 1] = &f;
  }
  for (uint32_t k = 0; k < n; ++k) {
    if (by_shard[k] == nullptr) {
      *error = "shard " + std::to_string(k + 1) + "/" + std::to_string(n) + " is missing";
      return false;
    }
    const ResultsFile& f = *by_shard[k];
    SummaryBuilder b;
    for (const SeedRecord& r : f.records) b.add(r);
    const std::string status = b.status(f.header);
    if (status == "interrupted") {
      *error = f.path + ": shard " + f.header.plan.shard_text() + " is incomplete (" +
               std::to_string(f.records.size()) + " of " + std::to_string(f.header.plan.count()) +
               " seeds); finish it with `leasesim explore ... --resume` first";
      return false;
    }
  }

  ResultsHeader merged = h0;
  merged.plan.shard = 1;
  merged.plan.shards = 1;
  // Seed first + i lives in shard (i % n) + 1 at position i / n: walk the
  // whole range in order, taking lines verbatim.
  std::string out = merged.format() + "\n";
  SummaryBuilder summary;
  const uint64_t total = merged.plan.total();
  for (uint64_t i = 0; i < total; ++i) {
    const ResultsFile& f = *by_shard[i % n];
    const uint64_t at = i / n;
    if (at >= f.records.size()) {
      // This shard stopped at its first violation; under stop-on-first
      // the unsharded run stops at the earliest of those, which the walk
      // has already passed.
      if (!merged.stop_on_first || summary.violations() == 0) {
        *error = f.path + ": seed " + std::to_string(merged.plan.first + i) + " is missing";
        return false;
      }
      break;
    }
    const SeedRecord& r = f.records[at];
    out += f.lines[at];
    out += '\n';
    summary.add(r);
    if (merged.stop_on_first && r.verdict == Verdict::kViolation) break;
  }
  out += summary.format(merged) + "\n";
  *text = std::move(out);
  return true;
}

// --- Writing -----------------------------------------------------------

ResultsWriter::~ResultsWriter() {
  if (fp_ != nullptr) std::fclose(fp_);
}

bool ResultsWriter::open(const std::string& path, uint64_t keep_bytes, std::string* error) {
  path_ = path;
  if (keep_bytes > 0) {
    if (::truncate(path.c_str(), static_cast<off_t>(keep_bytes)) != 0) {
      *error = path + ": cannot truncate: " + std::strerror(errno);
      return false;
    }
    fp_ = std::fopen(path.c_str(), "ab");
  } else {
    fp_ = std::fopen(path.c_str(), "wb");
  }
  if (fp_ == nullptr) {
    *error = path + ": cannot open for writing: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsWriter::write_line(std::string_view line, std::string* error) {
  std::string whole(line);
  whole += '\n';
  // One fwrite of the whole line, then a flush: the kernel sees whole
  // lines (a hard kill can still cut the very last one; readers drop it).
  if (std::fwrite(whole.data(), 1, whole.size(), fp_) != whole.size() || std::fflush(fp_) != 0) {
    *error = path_ + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsWriter::close(std::string* error) {
  if (fp_ == nullptr) return true;
  const int rc = std::fclose(fp_);
  fp_ = nullptr;
  if (rc != 0) {
    *error = path_ + ": close failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace leasesim
