// Structural validation of a JSON document against format tables
// (types.hpp), and typed reads of values that passed it. The scenario
// loader and every protocol module read their keys through these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "leasesim/core/time.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/types.hpp"

namespace leasesim::format {

// A JSON pointer built lazily: a chain of segments on the stack, turned
// into text only when a message needs it.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  size_t index = 0;
  bool is_index = false;

  Path child(std::string_view k) const { return Path{this, k, 0, false}; }
  Path child(size_t i) const { return Path{this, {}, i, true}; }
  std::string pointer() const;
};
inline Path root_path() {
  return Path{};
}

// Checks `j` against `t`: keys, types, enums, patterns, ranges. Reports
// every problem to *sink (when not null) and returns whether `j` is valid.
// With a null sink it stops at the first problem.
bool check(const Type& t, const json& j, const Path& path, Sink* sink);
inline bool valid(const Type& t, const json& j) {
  return check(t, j, root_path(), nullptr);
}

// The value of `key` in `obj`, an object described by `t` (the key must be
// one of t's fields). `value` is the document's value when present and
// valid, else the table default (if any), else null.
struct FieldValue {
  const json* value = nullptr;
  bool present = false;
  bool valid = true;  // false: present but invalid (already reported)
};
FieldValue field_value(const json* obj, const Type* t, std::string_view key);
// The raw member (valid or not), or null.
const json* member(const json* obj, const Type* t, std::string_view key);

// Conversions of values that passed check().
Duration to_duration(const json& j);
uint64_t to_uint(const json& j);
double to_double(const json& j);
// A drift in ppm (a JSON number) as parts per billion, rounded half away
// from zero on the number's shortest decimal form, so "0.0015" gives 2.
int64_t ppm_to_ppb(const json& j);

// Typed reads of a field: store the document's value or the table default
// in *out and return true; leave *out alone and return false otherwise.
bool get_duration(const json* obj, const Type* t, std::string_view key, Duration* out);
bool get_uint(const json* obj, const Type* t, std::string_view key, uint64_t* out);
bool get_u32(const json* obj, const Type* t, std::string_view key, uint32_t* out);
bool get_double(const json* obj, const Type* t, std::string_view key, double* out);
bool get_bool(const json* obj, const Type* t, std::string_view key, bool* out);
bool get_string(const json* obj, const Type* t, std::string_view key, std::string* out);

}  // namespace leasesim::format
