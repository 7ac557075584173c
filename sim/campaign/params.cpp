#include "leasesim/campaign/params.hpp"

#include <charconv>
#include <cstdint>

#include "leasesim/format/json_depth.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/format/utf8.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim {

using nlohmann::json;

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
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
  // Names and values go into the cells' documents and the results file as
  // JSON strings, which must be UTF-8 (the JSON library threw, aborting).
  if (const size_t bad = format::first_invalid_utf8(arg); bad != std::string_view::npos) {
    *error = "expected UTF-8 text, found byte " + format::byte_text(arg, bad) + " in \"" +
             std::string(arg) + "\"";
    return false;
  }
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
    if (format::json_too_deep_at(text) != std::string_view::npos) {
      *error = p.name + ": a value nested deeper than " +
               std::to_string(scenario_limits::kMaxJsonDepth) + " levels";
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

std::string sweep_value_text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string sweep_value_arg(const json& v) {
  if (!v.is_string()) return v.dump();
  // A string goes bare when parse_sweep_param reads the bare text back as
  // this string: not valid JSON (else "true" would become a boolean), one
  // piece (no comma outside quotes or brackets), and not empty.
  const std::string& s = v.get_ref<const std::string&>();
  const bool is_json = !json::parse(s, nullptr, /*allow_exceptions=*/false).is_discarded();
  if (!s.empty() && !is_json && split_values(s).size() == 1) return s;
  return v.dump();
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
  // Saturates: 64 parameters of two values each wrapped to 0 cells, and
  // sweep ran nothing and called it complete, past the grid's limit.
  uint64_t n = 1;
  for (const SweepParam& p : params) {
    const uint64_t k = p.values.size();
    if (k != 0 && n > UINT64_MAX / k) return UINT64_MAX;
    n *= k;
  }
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
    out += params[i].name + "=" + sweep_value_text(params[i].values[coords[i]]);
  }
  return out.empty() ? "(base)" : out;
}

std::string sweep_cell_json(const std::vector<SweepParam>& params, uint64_t c) {
  const std::vector<size_t> coords = sweep_cell_coords(params, c);
  std::string out = "{";
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out += ',';
    out += json(params[i].name).dump() + ":" + params[i].values[coords[i]].dump();
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
      // Named with the file, as the loader's errors are: with several
      // files the same parameter may fit one and not another.
      errors->push_back(file_label + ": " + label + ": --param " + params[i].name + ": " + err);
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

}  // namespace leasesim
