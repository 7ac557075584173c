#include "leasesim/campaign/plan.hpp"

#include <charconv>

#include "json_fields.hpp"
#include "leasesim/core/assert.hpp"
#include "leasesim/core/rng.hpp"
#include "leasesim/core/trace.hpp"

namespace leasesim {

using json_fields::array_at;
using json_fields::bad_field;
using json_fields::bool_at;
using json_fields::member;
using json_fields::object_at;
using json_fields::string_at;
using json_fields::whole;
using nlohmann::json;

namespace {

constexpr const char* kFormatName = "leasesim-results";

bool parse_u64(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string quoted(const std::string& s) {
  return json(s).dump();
}

// The message for a first line that is not a header this leasesim reads.
std::string not_a_header(const json& j) {
  const std::string want = " (this leasesim reads results format versions " +
                           std::to_string(kOldestResultsVersion) + " and " +
                           std::to_string(kResultsVersion) +
                           "; rerun the command, or read the file with the leasesim that wrote it)";
  if (j.is_object() && j.contains("results"))
    return "an explore results file of format version " + j["results"].dump() +
           " (leasesim 0.1, {\"results\":1,...})" + want;
  if (j.is_object() && j.contains("sweep"))
    return "a sweep results file of format version " + j["sweep"].dump() +
           " (leasesim 0.1, {\"sweep\":1,...})" + want;
  if (j.is_object() && j.contains("format") && j["format"] == kFormatName)
    return "results format version " + (j.contains("version") ? j["version"].dump() : "(none)") +
           want;
  return "not a leasesim results file (the first line is not a results header)";
}

std::string params_json(const std::vector<SweepParam>& params) {
  std::string s = "[";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) s += ',';
    s += "{\"name\":" + quoted(params[i].name) + ",\"path\":" + quoted(params[i].path) +
         ",\"values\":" + json(params[i].values).dump() + "}";
  }
  return s + "]";
}

// `base`: the JSON path of the object holding "params".
std::vector<SweepParam> read_params(const json& holder, const std::string& base,
                                    uint64_t cells_before) {
  std::vector<SweepParam> out;
  uint64_t cells = 1;
  const json& list = array_at(holder, "params", base);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = base + "/params/" + std::to_string(i);
    SweepParam sp;
    sp.name = string_at(list[i], "name", at);
    sp.path = string_at(list[i], "path", at);
    sp.values = array_at(list[i], "values", at).get<std::vector<json>>();
    if (sp.values.empty()) throw std::runtime_error("parameter " + sp.name + " has no values");
    if (cells > UINT64_MAX / sp.values.size())
      throw std::runtime_error("the grid has more than 2^64 cells");
    cells *= sp.values.size();
    out.push_back(std::move(sp));
  }
  if (cells > UINT64_MAX - cells_before)
    throw std::runtime_error("the grid has more than 2^64 cells");
  return out;
}

}  // namespace

uint64_t Plan::cells() const {
  uint64_t n = 0;
  for (const PlanScenario& s : scenarios) n += sweep_cell_count(s.params);
  return n;
}

Plan::CellAt Plan::locate(uint64_t cell) const {
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const uint64_t n = sweep_cell_count(scenarios[i].params);
    if (cell < n) return CellAt{i, cell};
    cell -= n;
  }
  LEASESIM_ASSERT(false, "cell index beyond the plan");
  return CellAt{};
}

std::string Plan::scenario_names() const {
  std::string out;
  for (const PlanScenario& s : scenarios) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

std::string Plan::cell_label(uint64_t cell) const {
  const CellAt at = locate(cell);
  const PlanScenario& s = scenarios[at.scenario];
  if (!several()) return sweep_cell_label(s.params, at.local);
  std::string out = "scenario=" + s.name;
  if (!s.params.empty()) out += " " + sweep_cell_label(s.params, at.local);
  return out;
}

std::string Plan::cell_json(uint64_t cell) const {
  const CellAt at = locate(cell);
  const PlanScenario& s = scenarios[at.scenario];
  const std::string j = sweep_cell_json(s.params, at.local);
  if (!several()) return j;
  return "{\"scenario\":" + quoted(s.name) + (j.size() > 2 ? "," + j.substr(1) : "}");
}

uint64_t Plan::shard_jobs() const {
  const uint64_t n = total_jobs();
  return n / shards + ((shard - 1) < n % shards ? 1 : 0);
}

bool Plan::random_faults() const {
  return !(options.contains("random_faults") && options["random_faults"] == false);
}

const json& Plan::cell_setting(uint64_t cell) const {
  return settings.at(cell_settings.at(cell));
}

std::string Plan::seeds_text() const {
  return std::to_string(first_seed) + ".." + std::to_string(last_seed);
}

std::string Plan::shard_text() const {
  return std::to_string(shard) + "/" + std::to_string(shards);
}

Plan Plan::unsharded() const {
  Plan p = *this;
  p.shard = 1;
  p.shards = 1;
  return p;
}

bool Plan::same_run_as(const Plan& o) const {
  Plan a = unsharded(), b = o.unsharded();
  a.tool_version = b.tool_version = a.tool_build = b.tool_build = "";
  if (a.scenarios.size() == b.scenarios.size())
    for (size_t i = 0; i < a.scenarios.size(); ++i) b.scenarios[i].file = a.scenarios[i].file;
  return shards == o.shards && a.format() == b.format();
}

bool Plan::tool_differs(const Plan& o) const {
  return tool_build.empty() || tool_build != o.tool_build || tool_version != o.tool_version;
}

std::string Plan::tool_text() const {
  if (tool_build.empty()) return "a leasesim that recorded no build";
  return "leasesim " + tool_version + " (git " + tool_build + ")";
}

std::string Plan::format() const {
  LEASESIM_ASSERT(version == kResultsVersion || !several(), "several scenarios need version 3");
  std::string s = "{\"format\":\"" + std::string(kFormatName) +
                  "\",\"version\":" + std::to_string(version) + ",\"command\":" + quoted(command);
  if (!several()) {
    // One scenario: the keys of version 2.
    const PlanScenario& sc = scenarios[0];
    s += ",\"scenario\":" + quoted(sc.name) + ",\"scenario_file\":" + quoted(sc.file) +
         ",\"digest\":" + quoted(sc.digest) + ",\"params\":" + params_json(sc.params);
  } else {
    s += ",\"scenarios\":[";
    for (size_t i = 0; i < scenarios.size(); ++i) {
      const PlanScenario& sc = scenarios[i];
      s += std::string(i ? "," : "") + "{\"scenario\":" + quoted(sc.name) +
           ",\"scenario_file\":" + quoted(sc.file) + ",\"digest\":" + quoted(sc.digest) +
           ",\"params\":" + params_json(sc.params) + "}";
    }
    s += "]";
  }
  s += ",\"seeds\":" + quoted(seeds_text()) +
       ",\"shard\":" + (shards == 1 ? std::string("null") : quoted(shard_text())) +
       ",\"stop_on_first\":" + (stop_on_first ? "true" : "false") +
       ",\"options\":" + options.dump() + ",\"settings\":" + json(settings).dump() +
       ",\"cell_settings\":" + json(cell_settings).dump();
  // Version 2 files stay version 2 when resumed: no key they did not have.
  if (version >= 3 && !tool_build.empty())
    s += ",\"leasesim\":{\"version\":" + quoted(tool_version) + ",\"build\":" + quoted(tool_build) +
         "}";
  return s + "}";
}

bool Plan::parse(std::string_view line, Plan* out, std::string* error) {
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("format") || j["format"] != kFormatName ||
      !j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int64_t>() < kOldestResultsVersion ||
      j["version"].get<int64_t>() > kResultsVersion) {
    *error = not_a_header(j);
    return false;
  }
  Plan p;
  try {
    p.command = string_at(j, "command");
    if (p.command != "explore" && p.command != "sweep")
      throw std::runtime_error("unknown command \"" + p.command + "\"");
    p.version = j["version"].get<int>();
    p.scenarios.clear();
    if (p.version >= 3 && j.contains("scenarios")) {
      uint64_t cells = 0;
      const json& list = array_at(j, "scenarios");
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string at = "/scenarios/" + std::to_string(i);
        const json& x = list[i];
        PlanScenario sc{string_at(x, "scenario", at), string_at(x, "scenario_file", at),
                        string_at(x, "digest", at), read_params(x, at, cells)};
        cells += sweep_cell_count(sc.params);
        p.scenarios.push_back(std::move(sc));
      }
      if (p.scenarios.size() < 2) throw std::runtime_error("\"scenarios\" lists fewer than two");
    } else {
      p.scenarios.push_back(PlanScenario{string_at(j, "scenario"), string_at(j, "scenario_file"),
                                         string_at(j, "digest"), read_params(j, "", 0)});
    }
    if (!parse_seed_range(string_at(j, "seeds"), &p.first_seed, &p.last_seed, error)) return false;
    if (!member(j, "shard", "").is_null() &&
        !parse_shard(string_at(j, "shard"), &p.shard, &p.shards, error))
      return false;
    p.stop_on_first = bool_at(j, "stop_on_first");
    p.options = object_at(j, "options");
    p.settings = array_at(j, "settings").get<std::vector<json>>();
    const json& cell_settings = array_at(j, "cell_settings");
    p.cell_settings.clear();
    for (size_t i = 0; i < cell_settings.size(); ++i) {
      const std::string at = "/cell_settings/" + std::to_string(i);
      const uint64_t v = whole(cell_settings[i], at);
      if (v > UINT32_MAX) bad_field(at, "expected at most 4294967295, found " + std::to_string(v));
      p.cell_settings.push_back(static_cast<uint32_t>(v));
    }
    if (j.contains("leasesim")) {
      const json& tool = object_at(j, "leasesim");
      p.tool_version = string_at(tool, "version", "/leasesim");
      p.tool_build = string_at(tool, "build", "/leasesim");
    }
    const uint64_t cells = p.cells();
    if (cells == 0 || p.seeds_per_cell() > UINT64_MAX / cells)
      throw std::runtime_error("the grid times the seeds does not fit in 64 bits");
    if (p.cell_settings.size() != cells)
      throw std::runtime_error("cell_settings has " + std::to_string(p.cell_settings.size()) +
                               " entries for " + std::to_string(cells) + " cell(s)");
    for (const uint32_t s : p.cell_settings)
      if (s >= p.settings.size()) throw std::runtime_error("cell_settings names a missing entry");
  } catch (const std::exception& e) {
    *error = std::string("malformed results header: ") + e.what();
    return false;
  }
  *out = std::move(p);
  return true;
}

bool parse_seed_range(std::string_view text, uint64_t* first, uint64_t* last, std::string* error) {
  const size_t dash = text.find('-');
  if (dash != std::string_view::npos && dash > 0 && text.find("..") == std::string_view::npos) {
    // "1-3": a range written with a dash, not a negative seed.
    *error = "expected A..B (two dots) with 0 <= A <= B, or N for 1..N, found \"" +
             std::string(text) + "\"";
    return false;
  }
  if (dash != std::string_view::npos) {
    *error = "seeds cannot be negative (found \"" + std::string(text) +
             "\"); expected A..B with 0 <= A <= B, or N for 1..N";
    return false;
  }
  const size_t dots = text.find("..");
  uint64_t a = 1, b = 0;
  bool ok;
  if (dots == std::string_view::npos) {
    ok = parse_u64(text, &b) && b >= 1;
  } else {
    ok = parse_u64(text.substr(0, dots), &a) && parse_u64(text.substr(dots + 2), &b) && a <= b;
  }
  if (ok && a == 0 && b == UINT64_MAX) {
    *error = std::string(text) +
             " is 2^64 seeds, one more than a count can hold: start at 1 or end one lower";
    return false;
  }
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
      !parse_u64(text.substr(slash + 1), &n) || n < 1 || k < 1 || k > n) {
    *error =
        "expected a shard K/N with 1 <= K <= N (e.g. 3/8), found \"" + std::string(text) + "\"";
    return false;
  }
  if (n > UINT32_MAX) {
    *error = "expected at most " + std::to_string(UINT32_MAX) + " shards, found \"" +
             std::string(text) + "\"";
    return false;
  }
  *shard = static_cast<uint32_t>(k);
  *shards = static_cast<uint32_t>(n);
  return true;
}

std::string scenario_digest(const std::string& canonical_json_text) {
  return format_hash(fnv1a64(canonical_json_text));
}

}  // namespace leasesim
