// Reading the fields of a results file's JSON lines (header, run lines) so
// that a damaged one is named by its JSON path with what was expected and
// what was found ("/seed: expected a whole number, found a string"); the
// JSON library's own messages ("[json.exception.type_error.302] ...") name
// neither. Each reader throws std::runtime_error with that text; the line
// parsers catch it and prefix the line's kind.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace leasesim::json_fields {

using nlohmann::json;

[[noreturn]] inline void bad_field(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

// What a value is, for messages: a scalar as written, else its type.
inline std::string found(const json& v) {
  if (v.is_number() || v.is_boolean() || v.is_null()) return v.dump();
  if (v.is_string()) return "a string";
  return v.is_array() ? "an array" : "an object";
}

// obj[key]; `base` is obj's own JSON path ("" for the line itself).
inline const json& member(const json& obj, const char* key, const std::string& base) {
  const auto it = obj.find(key);
  if (it == obj.end()) bad_field(base + "/" + key, "missing");
  return *it;
}

inline uint64_t whole(const json& v, const std::string& path) {
  if (!v.is_number_unsigned()) bad_field(path, "expected a whole number, found " + found(v));
  return v.get<uint64_t>();
}

inline std::string string(const json& v, const std::string& path) {
  if (!v.is_string()) bad_field(path, "expected a string, found " + found(v));
  return v.get<std::string>();
}

inline uint64_t whole_at(const json& obj, const char* key, const std::string& base = "") {
  return whole(member(obj, key, base), base + "/" + key);
}

inline std::string string_at(const json& obj, const char* key, const std::string& base = "") {
  return string(member(obj, key, base), base + "/" + key);
}

inline double number_at(const json& obj, const char* key, const std::string& base = "") {
  const json& v = member(obj, key, base);
  if (!v.is_number()) bad_field(base + "/" + key, "expected a number, found " + found(v));
  return v.get<double>();
}

inline bool bool_at(const json& obj, const char* key, const std::string& base = "") {
  const json& v = member(obj, key, base);
  if (!v.is_boolean()) bad_field(base + "/" + key, "expected true or false, found " + found(v));
  return v.get<bool>();
}

inline const json& object_at(const json& obj, const char* key, const std::string& base = "") {
  const json& v = member(obj, key, base);
  if (!v.is_object()) bad_field(base + "/" + key, "expected an object, found " + found(v));
  return v;
}

inline const json& array_at(const json& obj, const char* key, const std::string& base = "") {
  const json& v = member(obj, key, base);
  if (!v.is_array()) bad_field(base + "/" + key, "expected an array, found " + found(v));
  return v;
}

// Nanoseconds or null (a metric with no samples).
inline std::optional<int64_t> opt_ns_at(const json& obj, const char* key,
                                        const std::string& base = "") {
  const json& v = member(obj, key, base);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer())
    bad_field(base + "/" + key, "expected nanoseconds (an integer) or null, found " + found(v));
  return v.get<int64_t>();
}

}  // namespace leasesim::json_fields
