// Enum-valued fields: a table's enumeration made from an enum's names, and
// the typed read of such a field. An enum E takes part through
// `to_string(E)` (found by argument-dependent lookup), the one spelling the
// tables, the reader and canonical JSON all use.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "leasesim/format/reader.hpp"

namespace leasesim::format {

// The spellings of `values`, in order, for Builder::enumeration().
template <typename E>
std::vector<std::string> enum_names(std::initializer_list<E> values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const E v : values) out.emplace_back(to_string(v));
  return out;
}

// Reads the enum field `key` of `obj` (described by `t`, whose type for the
// key is an enumeration of `values`' names): stores the value it spells, or
// the table default, in *out and returns true; leaves *out alone and returns
// false when there is neither (absent without a default, or invalid and
// already reported).
template <typename E>
bool get_enum(const json* obj, const Type* t, std::string_view key, std::initializer_list<E> values,
              E* out) {
  std::string s;
  if (!get_string(obj, t, key, &s)) return false;
  for (const E v : values) {
    if (s == to_string(v)) {
      *out = v;
      return true;
    }
  }
  return false;
}

}  // namespace leasesim::format
