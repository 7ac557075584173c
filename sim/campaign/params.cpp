#include "leasesim/world/sweep.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "leasesim/check/violation.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/results.hpp"

namespace leasesim {

using nlohmann::json;

namespace {

json parse_line(std::string_view line) {
  return json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A double with 6 decimals, trailing zeros dropped ("0.06", "1", "0.953125").
// printf of a double is correctly rounded in glibc, so this text (and what
// reading it back gives) is the same everywhere.
std::string fmt6(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", x);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string quoted(const std::string& s) {
  return json(s).dump();
}

std::string opt_ns(const std::optional<int64_t>& v) {
  return v ? std::to_string(*v) : std::string("null");
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

const char* verdict_name(SweepVerdict v) {
  switch (v) {
    case SweepVerdict::kHolds:
      return "holds";
    case SweepVerdict::kViolation:
      return "violation";
    case SweepVerdict::kIncomplete:
      return "incomplete";
  }
  return "?";
}

std::string value_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::optional<int64_t> sample(const Distribution& d, bool p99) {
  if (d.count == 0) return std::nullopt;
  return p99 ? d.p99.ns() : d.p50.ns();
}

bool read_opt_ns(const json& j, const char* key, std::optional<int64_t>* out) {
  const json& v = j.at(key);
  if (v.is_null()) {
    out->reset();
    return true;
  }
  if (!v.is_number_integer()) return false;
  *out = v.get<int64_t>();
  return true;
}

// Splits "a,b,[1,2],{"x":"y,z"}" at top-level commas.
std::vector<std::string> split_values(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      cur += c;
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') ++depth;
    if ((c == ']' || c == '}') && depth > 0) --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

}  // namespace

// --- parameters ------------------------------------------------------------

bool parse_sweep_param(std::string_view arg, SweepParam* out, std::string* error) {
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    *error = "expected PATH=V1,V2,... (e.g. lease.ttl=2s,5s), found \"" + std::string(arg) + "\"";
    return false;
  }
  SweepParam p;
  p.name = std::string(arg.substr(0, eq));
  p.path = p.name;
  if (p.path == "protocol")
    p.path = "protocol.preset";
  else if (p.path == "clocks.drift_ppm")
    p.path = "clocks.default.drift_ppm";
  else if (p.path == "clocks.offset")
    p.path = "clocks.default.offset";
  if (p.path == "seed") {
    *error = "\"seed\" cannot be swept: every cell runs the seeds given by --seeds";
    return false;
  }
  const std::string_view list = arg.substr(eq + 1);
  for (const std::string& text : split_values(list)) {
    if (text.empty()) {
      *error = p.name + ": empty value in \"" + std::string(list) + "\"";
      return false;
    }
    json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (v.is_discarded()) v = text;
    for (const json& seen : p.values) {
      if (seen == v) {
        *error = p.name + ": value " + v.dump() + " is listed twice";
        return false;
      }
    }
    p.values.push_back(std::move(v));
  }
  *out = std::move(p);
  return true;
}

bool set_json_path(json* doc, std::string_view path, const json& value, std::string* error) {
  std::vector<std::string> segs;
  size_t start = 0;
  for (;;) {
    const size_t dot = path.find('.', start);
    segs.emplace_back(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  json* cur = doc;
  std::string where;  // the path so far, for messages
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& seg = segs[i];
    const bool last = i + 1 == segs.size();
    if (seg.empty()) {
      *error = "\"" + std::string(path) + "\" has an empty path segment";
      return false;
    }
    const std::string here = where.empty() ? seg : where + "." + seg;
    if (cur->is_object()) {
      if (last) {
        (*cur)[seg] = value;
        return true;
      }
      if (!cur->contains(seg)) {
        if (all_digits(segs[i + 1])) {
          *error = "\"" + here + "\" is not in the scenario, so it has no element " + segs[i + 1] +
                   " to set (write the array in the scenario first)";
          return false;
        }
        (*cur)[seg] = json::object();
      }
      cur = &(*cur)[seg];
    } else if (cur->is_array()) {
      if (!all_digits(seg)) {
        *error = "\"" + (where.empty() ? std::string("(root)") : where) +
                 "\" is an array; expected an index, found \"" + seg + "\"";
        return false;
      }
      uint64_t idx = 0;
      const auto [p, ec] = std::from_chars(seg.data(), seg.data() + seg.size(), idx);
      if (ec != std::errc() || idx >= cur->size()) {
        *error = "\"" + where + "\" has " + std::to_string(cur->size()) + " element(s); index " +
                 seg + " is out of range";
        return false;
      }
      if (last) {
        (*cur)[idx] = value;
        return true;
      }
      cur = &(*cur)[idx];
    } else {
      *error = "\"" + where + "\" is " + cur->dump() + ", not an object or array, so \"" + here +
               "\" cannot be set";
      return false;
    }
    where = here;
  }
  return true;
}

uint64_t sweep_cell_count(const std::vector<SweepParam>& params) {
  uint64_t n = 1;
  for (const SweepParam& p : params) n *= p.values.size();
  return n;
}

std::vector<size_t> sweep_cell_coords(const std::vector<SweepParam>& params, uint64_t c) {
  std::vector<size_t> coords(params.size());
  for (size_t i = params.size(); i-- > 0;) {
    const uint64_t n = params[i].values.size();
    coords[i] = static_cast<size_t>(c % n);
    c /= n;
  }
  return coords;
}

std::string sweep_cell_label(const std::vector<SweepParam>& params, uint64_t c) {
  const std::vector<size_t> coords = sweep_cell_coords(params, c);
  std::string out;
  for (size_t i = 0; i < params.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += params[i].name + "=" + value_text(params[i].values[coords[i]]);
  }
  return out.empty() ? "(base)" : out;
}

std::string sweep_cell_json(const std::vector<SweepParam>& params, uint64_t c) {
  const std::vector<size_t> coords = sweep_cell_coords(params, c);
  std::string out = "{";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ',';
    out += quoted(params[i].name) + ":" + params[i].values[coords[i]].dump();
  }
  return out + "}";
}

std::optional<Scenario> sweep_cell_scenario(const json& base_doc, const std::string& file_label,
                                            const std::vector<SweepParam>& params, uint64_t c,
                                            std::vector<std::string>* errors) {
  const std::vector<size_t> coords = sweep_cell_coords(params, c);
  const std::string label = "cell " + sweep_cell_label(params, c);
  json doc = base_doc;
  bool ok = true;
  for (size_t i = 0; i < params.size(); ++i) {
    std::string err;
    if (!set_json_path(&doc, params[i].path, params[i].values[coords[i]], &err)) {
      errors->push_back(label + ": --param " + params[i].name + ": " + err);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  LoadResult r = load_scenario_json(doc, file_label);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) errors->push_back(label + ": " + d.format());
    return std::nullopt;
  }
  return std::move(r.scenario);
}

// --- header ----------------------------------------------------------------

uint64_t SweepHeader::shard_jobs() const {
  const uint64_t n = total_jobs();
  return n / shards + ((shard - 1) < n % shards ? 1 : 0);
}

std::string SweepHeader::format() const {
  std::string s = "{\"sweep\":1,\"scenario\":" + quoted(scenario) +
                  ",\"digest\":" + quoted(digest) + ",\"params\":[";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) s += ',';
    json values = json::array();
    for (const json& v : params[i].values) values.push_back(v);
    s += "{\"name\":" + quoted(params[i].name) + ",\"path\":" + quoted(params[i].path) +
         ",\"values\":" + values.dump() + "}";
  }
  s += "],\"seeds\":" + quoted(std::to_string(first_seed) + ".." + std::to_string(last_seed));
  s += ",\"shard\":" + (shards == 1 ? std::string("null")
                                    : quoted(std::to_string(shard) + "/" + std::to_string(shards)));
  s += ",\"options\":" + options.dump() + "}";
  return s;
}

bool is_sweep_header_line(std::string_view line) {
  const json j = parse_line(line);
  return j.is_object() && j.contains("sweep");
}

bool is_sweep_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  return in && std::getline(in, line) && is_sweep_header_line(line);
}

bool SweepHeader::parse(std::string_view line, SweepHeader* out, std::string* error) {
  const json j = parse_line(line);
  if (!j.is_object() || !j.contains("sweep")) {
    *error = "not a leasesim sweep file (the first line is not a sweep header)";
    return false;
  }
  if (j["sweep"] != 1) {
    *error = "unsupported sweep file version " + j["sweep"].dump() + " (this leasesim reads 1)";
    return false;
  }
  SweepHeader h;
  try {
    h.scenario = j.at("scenario").get<std::string>();
    h.digest = j.at("digest").get<std::string>();
    for (const json& p : j.at("params")) {
      SweepParam sp;
      sp.name = p.at("name").get<std::string>();
      sp.path = p.at("path").get<std::string>();
      for (const json& v : p.at("values")) sp.values.push_back(v);
      if (sp.values.empty()) {
        *error = "malformed sweep header: parameter " + sp.name + " has no values";
        return false;
      }
      h.params.push_back(std::move(sp));
    }
    if (!parse_seed_range(j.at("seeds").get<std::string>(), &h.first_seed, &h.last_seed, error))
      return false;
    if (!j.at("shard").is_null() &&
        !parse_shard(j.at("shard").get<std::string>(), &h.shard, &h.shards, error))
      return false;
    h.options = j.at("options");
  } catch (const json::exception& e) {
    *error = std::string("malformed sweep header: ") + e.what();
    return false;
  }
  *out = std::move(h);
  return true;
}

SweepHeader SweepHeader::unsharded() const {
  SweepHeader h = *this;
  h.shard = 1;
  h.shards = 1;
  return h;
}

// --- runs ------------------------------------------------------------------

SweepRun SweepRun::from_run(uint64_t cell, uint64_t seed, const RunResult& r, uint64_t faults) {
  SweepRun s;
  s.cell = cell;
  s.seed = seed;
  std::set<ViolationKind> kinds;
  for (const Violation& v : r.violations)
    if (!is_warning(v.kind)) kinds.insert(v.kind);
  for (const ViolationKind k : kinds) s.violations.push_back(to_string(k));
  if (r.failures > 0)
    s.verdict = SweepVerdict::kViolation;
  else if (r.reason == EndReason::kEventBudget || r.reason == EndReason::kWallTimeout)
    s.verdict = SweepVerdict::kIncomplete;
  s.end = end_name(r.reason);
  s.availability = r.metrics.availability;
  s.grants = r.metrics.grants;
  s.elections = r.metrics.elections;
  s.faults = faults;
  s.acquire_p50 = sample(r.metrics.acquire_latency, false);
  s.acquire_p99 = sample(r.metrics.acquire_latency, true);
  s.handoff_p50 = sample(r.metrics.handoff_gap, false);
  s.handoff_p99 = sample(r.metrics.handoff_gap, true);
  s.failover_p50 = sample(r.metrics.failover, false);
  s.failover_p99 = sample(r.metrics.failover, true);
  // Normalise through the text form (availability is rounded there).
  SweepRun back;
  std::string err;
  const bool ok = SweepRun::parse(s.format(), &back, &err);
  (void)ok;
  return ok ? back : s;
}

std::string SweepRun::format() const {
  std::string s = "{\"cell_index\":" + std::to_string(cell) + ",\"seed\":" + std::to_string(seed) +
                  ",\"verdict\":\"" + verdict_name(verdict) + "\",\"violations\":[";
  for (size_t i = 0; i < violations.size(); ++i) s += (i ? "," : "") + quoted(violations[i]);
  s += "],\"end\":" + quoted(end) + ",\"availability\":" + fmt6(availability) +
       ",\"grants\":" + std::to_string(grants) + ",\"elections\":" + std::to_string(elections) +
       ",\"faults\":" + std::to_string(faults) + ",\"acquire_p50_ns\":" + opt_ns(acquire_p50) +
       ",\"acquire_p99_ns\":" + opt_ns(acquire_p99) + ",\"handoff_p50_ns\":" + opt_ns(handoff_p50) +
       ",\"handoff_p99_ns\":" + opt_ns(handoff_p99) +
       ",\"failover_p50_ns\":" + opt_ns(failover_p50) +
       ",\"failover_p99_ns\":" + opt_ns(failover_p99) + "}";
  return s;
}

bool SweepRun::parse(std::string_view line, SweepRun* out, std::string* error) {
  const json j = parse_line(line);
  if (!j.is_object() || !j.contains("cell_index")) {
    *error = "expected a run line ({\"cell_index\":...})";
    return false;
  }
  SweepRun r;
  try {
    r.cell = j.at("cell_index").get<uint64_t>();
    r.seed = j.at("seed").get<uint64_t>();
    const std::string v = j.at("verdict").get<std::string>();
    if (v == "holds")
      r.verdict = SweepVerdict::kHolds;
    else if (v == "violation")
      r.verdict = SweepVerdict::kViolation;
    else if (v == "incomplete")
      r.verdict = SweepVerdict::kIncomplete;
    else {
      *error = "unknown verdict \"" + v + "\"";
      return false;
    }
    for (const json& k : j.at("violations")) r.violations.push_back(k.get<std::string>());
    r.end = j.at("end").get<std::string>();
    r.availability = j.at("availability").get<double>();
    r.grants = j.at("grants").get<uint64_t>();
    r.elections = j.at("elections").get<uint64_t>();
    r.faults = j.at("faults").get<uint64_t>();
    if (!read_opt_ns(j, "acquire_p50_ns", &r.acquire_p50) ||
        !read_opt_ns(j, "acquire_p99_ns", &r.acquire_p99) ||
        !read_opt_ns(j, "handoff_p50_ns", &r.handoff_p50) ||
        !read_opt_ns(j, "handoff_p99_ns", &r.handoff_p99) ||
        !read_opt_ns(j, "failover_p50_ns", &r.failover_p50) ||
        !read_opt_ns(j, "failover_p99_ns", &r.failover_p99)) {
      *error = "a latency field is neither an integer nor null";
      return false;
    }
  } catch (const json::exception& e) {
    *error = std::string("malformed run line: ") + e.what();
    return false;
  }
  *out = std::move(r);
  return true;
}

// --- cells -----------------------------------------------------------------

void wilson_interval(uint64_t k, uint64_t n, double* lo, double* hi) {
  if (n == 0) {
    *lo = 0.0;
    *hi = 1.0;
    return;
  }
  constexpr double z = 1.959963984540054;  // the 97.5% normal quantile
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nn;
  const double center = (p + z2 / (2.0 * nn)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  *lo = k == 0 ? 0.0 : std::max(0.0, center - half);
  *hi = k == n ? 1.0 : std::min(1.0, center + half);
}

void CellAggregator::add(const SweepRun& r) {
  runs_.push_back(r);
}

std::string CellAggregator::format(const SweepHeader& h, uint64_t cell) const {
  const uint64_t n = runs_.size();
  uint64_t k = 0, incomplete = 0, grants = 0, elections = 0;
  double avail = 0.0;
  std::map<std::string, uint64_t> kinds;
  std::vector<int64_t> acq50, acq99, ho50, ho99, fo50, fo99;
  auto push = [](std::vector<int64_t>* v, const std::optional<int64_t>& x) {
    if (x) v->push_back(*x);
  };
  for (const SweepRun& r : runs_) {
    k += r.verdict == SweepVerdict::kViolation;
    incomplete += r.verdict == SweepVerdict::kIncomplete;
    for (const std::string& kind : r.violations) ++kinds[kind];
    avail += r.availability;
    grants += r.grants;
    elections += r.elections;
    push(&acq50, r.acquire_p50);
    push(&acq99, r.acquire_p99);
    push(&ho50, r.handoff_p50);
    push(&ho99, r.handoff_p99);
    push(&fo50, r.failover_p50);
    push(&fo99, r.failover_p99);
  }
  auto p50 = [](const std::vector<int64_t>& v) {
    return v.empty() ? std::string("null") : std::to_string(Distribution::of(v).p50.ns());
  };
  auto p99 = [](const std::vector<int64_t>& v) {
    return v.empty() ? std::string("null") : std::to_string(Distribution::of(v).p99.ns());
  };
  const double nn = n ? static_cast<double>(n) : 1.0;
  double lo = 0, hi = 1;
  wilson_interval(k, n, &lo, &hi);
  std::string s = "{\"cell\":" + sweep_cell_json(h.params, cell) +
                  ",\"cell_index\":" + std::to_string(cell) + ",\"runs\":" + std::to_string(n) +
                  ",\"violations\":" + std::to_string(k) +
                  ",\"violation_rate\":" + fmt6(n ? static_cast<double>(k) / nn : 0.0) +
                  ",\"ci95\":[" + fmt6(lo) + "," + fmt6(hi) + "],\"violation_kinds\":{";
  bool first = true;
  for (const auto& [kind, count] : kinds) {
    s += (first ? "" : ",") + quoted(kind) + ":" + std::to_string(count);
    first = false;
  }
  s += "},\"incomplete\":" + std::to_string(incomplete) +
       ",\"availability_mean\":" + (n ? fmt6(avail / nn) : std::string("null")) +
       ",\"acquire_p50_ns\":" + p50(acq50) + ",\"acquire_p99_ns\":" + p99(acq99) +
       ",\"handoff_p50_ns\":" + p50(ho50) + ",\"handoff_p99_ns\":" + p99(ho99) +
       ",\"failover_p50_ns\":" + p50(fo50) + ",\"failover_p99_ns\":" + p99(fo99) +
       ",\"grants_mean\":" + fmt6(static_cast<double>(grants) / nn) +
       ",\"elections_mean\":" + fmt6(static_cast<double>(elections) / nn) + "}";
  return s;
}

std::vector<std::string> SweepEmitter::add(const SweepRun& r) {
  std::vector<std::string> lines;
  lines.push_back(r.format());
  ++runs_;
  violations_ += r.verdict == SweepVerdict::kViolation;
  incomplete_ += r.verdict == SweepVerdict::kIncomplete;
  if (h_.shards == 1) {
    cell_.add(r);
    if (cell_.runs() == h_.seeds_per_cell()) {
      lines.push_back(cell_.format(h_, r.cell));
      cell_.clear();
    }
  }
  return lines;
}

std::string SweepEmitter::summary() const {
  const uint64_t jobs = h_.shard_jobs();
  return "{\"summary\":{\"cells\":" + std::to_string(h_.cells()) +
         ",\"jobs\":" + std::to_string(jobs) + ",\"runs\":" + std::to_string(runs_) +
         ",\"violations\":" + std::to_string(violations_) +
         ",\"incomplete\":" + std::to_string(incomplete_) + ",\"status\":\"" +
         (runs_ == jobs ? "complete" : "interrupted") + "\"}}";
}

// --- files -----------------------------------------------------------------

bool SweepFile::complete() const {
  return summary && summary->contains("status") && (*summary)["status"] == "complete";
}

bool read_sweep_file(const std::string& path, SweepFile* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot read the file: " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  SweepFile f;
  f.path = path;
  size_t pos = 0;
  size_t line_no = 0;
  auto fail = [&](const std::string& msg) {
    *error = path + ": line " + std::to_string(line_no) + ": " + msg;
    return false;
  };
  // Whole lines only: a last line without its newline was cut off.
  auto next_line = [&](std::string_view* line) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return false;
    *line = std::string_view(text).substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    return true;
  };
  std::string_view line;
  if (!next_line(&line)) {
    *error = path + ": empty or cut off before the end of its header line";
    return false;
  }
  if (!SweepHeader::parse(line, &f.header, error)) {
    *error = path + ": line 1: " + *error;
    return false;
  }
  f.good_bytes = pos;
  SweepEmitter emitter(f.header);
  std::vector<std::string> expected;  // lines that must follow (a cell line)
  size_t next_expected = 0;
  while (next_line(&line)) {
    if (f.summary) return fail("a line after the summary line");
    if (next_expected < expected.size()) {
      if (line != expected[next_expected])
        return fail(
            "expected the cell line computed from the runs before it, found a different line");
      f.cells.push_back(parse_line(line));
      ++next_expected;
      f.good_bytes = pos;
      continue;
    }
    const json j = parse_line(line);
    if (j.is_object() && j.contains("summary")) {
      if (line != emitter.summary()) return fail("the summary does not match the runs before it");
      f.summary = j["summary"];
      continue;  // good_bytes stays before it: a resumed run replaces it
    }
    SweepRun r;
    std::string err;
    if (!SweepRun::parse(line, &r, &err)) return fail(err);
    if (emitter.runs() >= f.header.shard_jobs()) return fail("more runs than the plan has");
    const uint64_t job = f.header.job(emitter.runs());
    if (r.cell != f.header.cell_of(job) || r.seed != f.header.seed_of(job)) {
      return fail("expected the run of cell " + std::to_string(f.header.cell_of(job)) + " seed " +
                  std::to_string(f.header.seed_of(job)) + " (runs are in job order)");
    }
    std::vector<std::string> lines = emitter.add(r);
    if (line != lines[0]) return fail("run line not in the form leasesim writes");
    f.runs.push_back(std::move(r));
    expected.assign(lines.begin() + 1, lines.end());
    next_expected = 0;
    f.good_bytes = pos;
  }
  f.pending.assign(expected.begin() + static_cast<std::ptrdiff_t>(next_expected), expected.end());
  *out = std::move(f);
  return true;
}

bool merge_sweep_files(const std::vector<SweepFile>& inputs, std::string* text,
                       std::string* error) {
  if (inputs.empty()) {
    *error = "no files to merge";
    return false;
  }
  const SweepHeader& h0 = inputs[0].header;
  const uint32_t n = h0.shards;
  const std::string plan = h0.unsharded().format();
  std::vector<const SweepFile*> by_shard(n, nullptr);
  for (const SweepFile& f : inputs) {
    if (f.header.shards != n || f.header.unsharded().format() != plan) {
      *error = f.path + " is from a different sweep than " + inputs[0].path +
               " (scenario, parameters, seeds, options or shard count differ)";
      return false;
    }
    if (by_shard[f.header.shard - 1]) {
      *error = "shard " + std::to_string(f.header.shard) + "/" + std::to_string(n) +
               " given twice (" + by_shard[f.header.shard - 1]->path + " and " + f.path + ")";
      return false;
    }
    if (!f.complete()) {
      *error = f.path + " is incomplete (interrupted or cut off): finish it with --resume first";
      return false;
    }
    by_shard[f.header.shard - 1] = &f;
  }
  for (uint32_t k = 0; k < n; ++k) {
    if (!by_shard[k]) {
      *error = "shard " + std::to_string(k + 1) + "/" + std::to_string(n) + " is missing";
      return false;
    }
  }
  const SweepHeader h = h0.unsharded();
  SweepEmitter emitter(h);
  std::string out = h.format() + "\n";
  const uint64_t total = h.total_jobs();
  for (uint64_t j = 0; j < total; ++j) {
    const SweepFile& f = *by_shard[j % n];
    const uint64_t i = j / n;
    if (i >= f.runs.size()) {
      *error = f.path + " has fewer runs than its plan";
      return false;
    }
    for (const std::string& l : emitter.add(f.runs[i])) out += l + "\n";
  }
  out += emitter.summary() + "\n";
  *text = std::move(out);
  return true;
}

}  // namespace leasesim
