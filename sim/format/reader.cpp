// Structural validation against the format tables, with JSON-pointer paths
// and "did you mean" suggestions, and typed reads of validated values.
#include "leasesim/format/reader.hpp"

#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/int128.hpp"

namespace leasesim::format {

std::string Path::pointer() const {
  if (parent == nullptr) return "";
  std::string s = parent->pointer();
  s += '/';
  if (is_index) {
    s += std::to_string(index);
  } else {
    s += pointer_escape(key);
  }
  return s;
}

namespace {

bool fail(Sink* sink, const Path& p, std::string message) {
  if (sink != nullptr) sink->error(p.pointer(), std::move(message));
  return false;
}

std::string expected_of(const Type& t) {
  if (!t.expected.empty()) return t.expected;
  if (t.kind == Kind::kEnum) {
    if (t.values.size() == 1) return jquote(t.values[0]);
    return "one of " + join_quoted(t.values, ", ");
  }
  return "a value";
}

bool type_error(const Type& t, const json& j, const Path& p, Sink* sink) {
  return fail(sink, p, "expected " + expected_of(t) + ", found " + render_found(j));
}

// The JSON types a type accepts at all; a union picks its alternative by it.
bool accepts(const Type& t, const json& j) {
  switch (t.kind) {
    case Kind::kObject:
    case Kind::kMap:
    case Kind::kTagged:
      return j.is_object();
    case Kind::kArray:
      return j.is_array();
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kDuration:
      return j.is_string();
    case Kind::kInteger:
    case Kind::kNumber:
      return j.is_number();
    case Kind::kBool:
      return j.is_boolean();
    case Kind::kUnion:
      for (const Type* a : t.alternatives) {
        if (accepts(*a, j)) return true;
      }
      return false;
  }
  return false;
}

// Below 2^53 every whole number is exactly a double; from there on a
// decimal in the file may have lost digits on its way to one.
constexpr double kExactDoubleLimit = 9007199254740992.0;

// An integral JSON number as int128 (floats only when integral and below
// 2^53 in magnitude, as JSON Schema's "integer" accepts 5.0; a larger one
// may not be the number the file wrote: 9007199254740993.0 reads as ...992).
bool integer_of(const json& j, int128_t* out) {
  if (j.is_number_unsigned()) {
    *out = j.get<uint64_t>();
    return true;
  }
  if (j.is_number_integer()) {
    *out = j.get<int64_t>();
    return true;
  }
  if (j.is_number_float()) {
    const double d = j.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) return false;
    if (std::fabs(d) >= kExactDoubleLimit) return false;
    *out = d < 0 ? static_cast<int128_t>(static_cast<int64_t>(d))
                 : static_cast<int128_t>(static_cast<uint64_t>(d));
    return true;
  }
  return false;
}

std::string duration_range_phrase(const Type& t, Duration d) {
  const std::string hi = format_duration(t.dur_max);
  if (t.dur_min < Duration::zero()) {
    return "a duration from " + format_duration(t.dur_min) + " to " + hi;
  }
  if (t.zero_or_min) return "0s or a duration from " + format_duration(t.dur_min) + " to " + hi;
  if (d > t.dur_max) return "a duration of at most " + hi;
  if (t.dur_min == Duration::zero()) return "a non-negative duration";
  if (t.dur_min == Duration(1)) return "a positive duration";
  return "a duration of at least " + format_duration(t.dur_min);
}

bool check_duration(const Type& t, const json& j, const Path& p, Sink* sink) {
  if (!j.is_string()) return type_error(t, j, p, sink);
  const auto& text = j.get_ref<const std::string&>();
  for (const std::string& w : t.values) {
    if (text == w) return true;
  }
  Duration d;
  std::string why;
  if (!parse_duration(text, &d, &why)) {
    if (why.find("finer than") != std::string::npos) {
      return fail(sink, p, "expected a duration in whole nanoseconds, found " + render_found(j));
    }
    if (why.find("out of range") != std::string::npos) {
      return fail(
          sink, p,
          "expected " + duration_range_phrase(t, Duration::max()) + ", found " + render_found(j));
    }
    return type_error(t, j, p, sink);
  }
  if (t.zero_or_min && d == Duration::zero()) return true;
  if (d < t.dur_min || d > t.dur_max) {
    return fail(sink, p, "expected " + duration_range_phrase(t, d) + ", found " + render_found(j));
  }
  return true;
}

bool check_object(const Type& t, const json& j, const Path& p, Sink* sink) {
  if (!j.is_object()) return type_error(t, j, p, sink);
  bool ok = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (t.field(it.key()) != nullptr) continue;
    ok = false;
    if (sink == nullptr) return false;
    const std::vector<std::string> keys = t.keys();
    std::string hint = did_you_mean_suffix(it.key(), keys);
    if (hint.empty()) {
      hint = keys.empty() ? " (no keys are allowed here)"
                          : " (known keys: " + join_plain(keys, keys.size()) + ")";
    }
    fail(sink, p.child(it.key()), "unknown key " + jquote(it.key()) + hint);
  }
  for (const Field& f : t.fields) {
    const auto it = j.find(f.key);
    if (it == j.end()) {
      if (f.required) {
        ok = false;
        if (sink == nullptr) return false;
        fail(sink, p, "missing required key " + jquote(f.key));
      }
      continue;
    }
    if (!check(*f.type, *it, p.child(f.key), sink)) {
      ok = false;
      if (sink == nullptr) return false;
    }
  }
  for (const auto& group : t.exactly_one) {
    std::vector<std::string> present;
    for (const std::string& k : group) {
      if (j.contains(k)) present.push_back(k);
    }
    if (present.size() == 1) continue;
    ok = false;
    if (sink == nullptr) return false;
    fail(sink, p,
         "expected exactly one of the keys " + join_quoted(group, " or ") + ", found " +
             (present.empty() ? std::string("none") : join_quoted(present, " and ")));
  }
  for (const auto& group : t.at_least_one) {
    bool any = false;
    for (const std::string& k : group) any = any || j.contains(k);
    if (any) continue;
    ok = false;
    if (sink == nullptr) return false;
    fail(sink, p,
         "expected at least one of the keys " + join_quoted(group, " or ") + ", found none");
  }
  for (const auto& [key, needed] : t.needs) {
    if (!j.contains(key) || j.contains(needed)) continue;
    ok = false;
    if (sink == nullptr) return false;
    fail(sink, p.child(key), jquote(key) + " is only allowed together with " + jquote(needed));
  }
  return ok;
}

bool check_array(const Type& t, const json& j, const Path& p, Sink* sink) {
  if (!j.is_array()) return type_error(t, j, p, sink);
  const uint64_t n = j.size();
  if (n < t.min_items || n > t.max_items) {
    std::string want;
    if (t.max_items == UINT64_MAX) {
      want = "at least " + to_text(t.min_items);
    } else if (t.min_items == 0) {
      want = "at most " + to_text(t.max_items);
    } else {
      want = to_text(t.min_items) + " to " + to_text(t.max_items);
    }
    return fail(sink, p, "expected " + want + " " + t.noun + ", found " + to_text(n));
  }
  bool ok = true;
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    if (!check(*t.element, e, p.child(i), sink)) {
      ok = false;
      if (sink == nullptr) return false;
      continue;
    }
    if (t.unique && e.is_string()) {
      const auto [it, inserted] = seen.emplace(e.get_ref<const std::string&>(), i);
      if (!inserted) {
        ok = false;
        if (sink == nullptr) return false;
        fail(sink, p.child(i),
             "duplicate " + render_found(e) + " (also at " + p.child(it->second).pointer() + ")");
      }
    }
  }
  return ok;
}

bool check_map(const Type& t, const json& j, const Path& p, Sink* sink) {
  if (!j.is_object()) return type_error(t, j, p, sink);
  bool ok = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const Path child = p.child(it.key());
    if (!check(*t.key_type, json(it.key()), child, sink)) {
      ok = false;
      if (sink == nullptr) return false;
      continue;
    }
    if (!check(*t.element, it.value(), child, sink)) {
      ok = false;
      if (sink == nullptr) return false;
    }
  }
  return ok;
}

bool check_tagged(const Type& t, const json& j, const Path& p, Sink* sink) {
  if (!j.is_object()) return type_error(t, j, p, sink);
  const auto it = j.find(t.tag);
  if (it == j.end()) return fail(sink, p, "missing required key " + jquote(t.tag));
  std::vector<std::string> tags;
  for (const auto& [tag, variant] : t.variants) {
    if (it->is_string() && it->get_ref<const std::string&>() == tag) {
      return check(*variant, j, p, sink);
    }
    tags.push_back(tag);
  }
  std::string message =
      "expected one of " + join_quoted(tags, ", ") + ", found " + render_found(*it);
  if (it->is_string()) message += did_you_mean_suffix(it->get_ref<const std::string&>(), tags);
  return fail(sink, p.child(t.tag), message);
}

}  // namespace

bool check(const Type& t, const json& j, const Path& p, Sink* sink) {
  switch (t.kind) {
    case Kind::kObject:
      return check_object(t, j, p, sink);
    case Kind::kMap:
      return check_map(t, j, p, sink);
    case Kind::kArray:
      return check_array(t, j, p, sink);
    case Kind::kTagged:
      return check_tagged(t, j, p, sink);
    case Kind::kString:
      if (!j.is_string()) return type_error(t, j, p, sink);
      if (t.match != nullptr && !t.match(j.get_ref<const std::string&>())) {
        return type_error(t, j, p, sink);
      }
      return true;
    case Kind::kEnum: {
      if (!j.is_string()) return type_error(t, j, p, sink);
      const auto& s = j.get_ref<const std::string&>();
      for (const std::string& v : t.values) {
        if (s == v) return true;
      }
      return fail(sink, p,
                  "expected " + expected_of(t) + ", found " + render_found(j) +
                      did_you_mean_suffix(s, t.values));
    }
    case Kind::kInteger: {
      int128_t v = 0;
      if (integer_of(j, &v) && v >= t.int_min && v <= static_cast<int128_t>(t.int_max)) return true;
      // A whole number the JSON parser could only read as a double: past
      // the 64-bit range, or written as a decimal past 2^53. Say which.
      std::string why;
      if (j.is_number_float()) {
        const double d = j.get<double>();
        if (std::isfinite(d) && std::trunc(d) == d) {
          if (d >= 18446744073709551616.0)
            why = " (above the largest, " + std::to_string(t.int_max) + ")";
          else if (d < -9223372036854775808.0)
            why = " (below the smallest, " + std::to_string(t.int_min) + ")";
          else if (std::fabs(d) >= kExactDoubleLimit)
            why =
                " (a decimal this large has lost digits: write the whole number without a "
                "point or exponent)";
        }
      }
      return fail(sink, p, "expected " + expected_of(t) + ", found " + render_found(j) + why);
    }
    case Kind::kNumber: {
      if (!j.is_number()) return type_error(t, j, p, sink);
      const double v = j.get<double>();
      if (!std::isfinite(v) || v < t.num_min || v > t.num_max) return type_error(t, j, p, sink);
      return true;
    }
    case Kind::kBool:
      if (!j.is_boolean()) return type_error(t, j, p, sink);
      return true;
    case Kind::kDuration:
      return check_duration(t, j, p, sink);
    case Kind::kUnion:
      for (const Type* a : t.alternatives) {
        if (accepts(*a, j)) return check(*a, j, p, sink);
      }
      return type_error(t, j, p, sink);
  }
  return false;
}

const json* member(const json* obj, const Type* t, std::string_view key) {
  LEASESIM_ASSERT(t->field(key) != nullptr, "the loader reads a key its table does not define");
  if (obj == nullptr || !obj->is_object()) return nullptr;
  const auto it = obj->find(key);
  return it == obj->end() ? nullptr : &*it;
}

FieldValue field_value(const json* obj, const Type* t, std::string_view key) {
  const Field* f = t->field(key);
  LEASESIM_ASSERT(f != nullptr, "the loader reads a key its table does not define");
  FieldValue out;
  const json* v = member(obj, t, key);
  if (v != nullptr) {
    out.present = true;
    out.valid = valid(*f->type, *v);
    if (out.valid) {
      out.value = v;
      return out;
    }
  }
  if (!f->default_value.is_null()) out.value = &f->default_value;
  if (!out.valid) out.value = nullptr;
  return out;
}

Duration to_duration(const json& j) {
  Duration d;
  std::string why;
  const bool ok = parse_duration(j.get_ref<const std::string&>(), &d, &why);
  LEASESIM_ASSERT(ok, "to_duration on an unchecked value");
  return d;
}

uint64_t to_uint(const json& j) {
  int128_t v = 0;
  const bool ok = integer_of(j, &v) && v >= 0;
  LEASESIM_ASSERT(ok, "to_uint on an unchecked value");
  return static_cast<uint64_t>(v);
}

double to_double(const json& j) {
  return j.get<double>();
}

int64_t ppm_to_ppb(const json& j) {
  int128_t whole = 0;
  if (!j.is_number_float() && integer_of(j, &whole)) return static_cast<int64_t>(whole * 1000);
  // The shortest decimal that reads back as this double, as M * 10^E.
  const std::string text = j.dump();
  bool negative = false;
  uint64_t mantissa = 0;
  int exponent = 0;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  bool after_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      after_point = true;
    } else if (c >= '0' && c <= '9') {
      if (mantissa < UINT64_MAX / 10 - 9) {
        mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
        if (after_point) --exponent;
      } else if (!after_point) {
        ++exponent;
      }
    } else if (c == 'e' || c == 'E') {
      exponent += std::stoi(text.substr(i + 1));
      break;
    }
  }
  exponent += 3;  // ppm -> ppb
  uint64_t mag = mantissa;
  if (exponent >= 0) {
    for (int k = 0; k < exponent; ++k) mag *= 10;  // |ppm| <= 1e5 keeps this small
  } else if (exponent < -19) {
    mag = 0;
  } else {
    uint64_t scale = 1;
    for (int k = 0; k < -exponent; ++k) scale *= 10;
    const uint64_t q = mantissa / scale;
    const uint64_t r = mantissa % scale;
    mag = q + (r >= scale - r ? 1 : 0);  // half away from zero
  }
  const int64_t v = static_cast<int64_t>(mag);
  return negative ? -v : v;
}

bool get_duration(const json* obj, const Type* t, std::string_view key, Duration* out) {
  const FieldValue f = field_value(obj, t, key);
  if (f.value == nullptr) return false;
  *out = to_duration(*f.value);
  return true;
}

bool get_uint(const json* obj, const Type* t, std::string_view key, uint64_t* out) {
  const FieldValue f = field_value(obj, t, key);
  if (f.value == nullptr) return false;
  *out = to_uint(*f.value);
  return true;
}

bool get_u32(const json* obj, const Type* t, std::string_view key, uint32_t* out) {
  uint64_t v = 0;
  if (!get_uint(obj, t, key, &v)) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

bool get_double(const json* obj, const Type* t, std::string_view key, double* out) {
  const FieldValue f = field_value(obj, t, key);
  if (f.value == nullptr) return false;
  *out = to_double(*f.value);
  return true;
}

bool get_bool(const json* obj, const Type* t, std::string_view key, bool* out) {
  const FieldValue f = field_value(obj, t, key);
  if (f.value == nullptr) return false;
  *out = f.value->get<bool>();
  return true;
}

bool get_string(const json* obj, const Type* t, std::string_view key, std::string* out) {
  const FieldValue f = field_value(obj, t, key);
  if (f.value == nullptr) return false;
  *out = f.value->get<std::string>();
  return true;
}

}  // namespace leasesim::format
