// Shared by the fuzz targets: the structured mutator and the checks that
// turn silent misbehaviour into a crash libFuzzer can report.
//
// The structured mutator parses the input as JSON and, if that works,
// edits the document the way a person writing scenarios by hand goes
// wrong: values of the wrong type, extreme numbers and durations, deleted,
// duplicated or misspelled keys, known keys in the wrong place, subtrees
// copied elsewhere. A third of the time (and whenever the input is not a
// JSON object) it hands the bytes to libFuzzer's own byte-level mutator,
// so syntax and encoding errors stay covered too.
//
// Keys and enum values come from the generated JSON Schema, so the
// mutator follows the format as it changes.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/protocols/builtin.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/scenario/schema.hpp"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

// libFuzzer calls this once before any input (each fuzzer is one
// translation unit including this header): the protocols register as in
// the CLI.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  leasesim::register_builtin_protocols();
  return 0;
}

namespace leasesim::fuzz {

using nlohmann::json;

// The fuzzer's own randomness (the simulator's Rng is not used so the
// harness cannot perturb anything under test).
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

 private:
  uint64_t s_;
};

// Any "internal error" diagnostic means the loader caught an exception it
// should never have had: a bug, reported as a crash.
inline void check_diagnostics(const LoadResult& r) {
  for (const auto* list : {&r.errors, &r.warnings}) {
    for (const Diagnostic& d : *list) {
      const std::string line = d.format();
      if (d.message.empty() || line.empty()) {
        std::fprintf(stderr, "fuzz: empty diagnostic\n");
        std::abort();
      }
      // A prefix match: the fuzzer learns compared strings and happily
      // writes "internal error" into keys, which messages then quote.
      if (d.message.rfind("internal error while loading", 0) == 0) {
        std::fprintf(stderr, "fuzz: loader reported %s\n", line.c_str());
        std::abort();
      }
    }
  }
  if (r.ok() != r.errors.empty()) {
    std::fprintf(stderr, "fuzz: LoadResult has a scenario and errors (or neither)\n");
    std::abort();
  }
}

struct Vocabulary {
  std::vector<std::string> keys;
  std::vector<json> values;
};

inline void collect_vocabulary(const json& schema, Vocabulary* v) {
  if (schema.is_object()) {
    for (auto it = schema.begin(); it != schema.end(); ++it) {
      if (it.key() == "properties" && it.value().is_object()) {
        for (auto p = it.value().begin(); p != it.value().end(); ++p) v->keys.push_back(p.key());
      }
      if ((it.key() == "enum" || it.key() == "const") && !it.value().is_object()) {
        if (it.value().is_array()) {
          for (const json& e : it.value()) v->values.push_back(e);
        } else {
          v->values.push_back(it.value());
        }
      }
      collect_vocabulary(it.value(), v);
    }
  } else if (schema.is_array()) {
    for (const json& e : schema) collect_vocabulary(e, v);
  }
}

inline const Vocabulary& vocabulary() {
  static const Vocabulary v = [] {
    Vocabulary out;
    collect_vocabulary(scenario_schema(), &out);
    const json extra[] = {0,
                          1,
                          -1,
                          2,
                          3,
                          5,
                          9,
                          10,
                          64,
                          65536,
                          1000000,
                          1000001,
                          1000000000,
                          4294967295ULL,
                          4294967296ULL,
                          9223372036854775807LL,
                          18446744073709551615ULL,
                          -9223372036854775807LL - 1,
                          0.5,
                          1.5,
                          -0.0,
                          1e308,
                          -1e308,
                          1e-300,
                          100000,
                          100000.5,
                          "",
                          "0",
                          "0s",
                          "-0s",
                          "1ns",
                          "1.5ns",
                          "1us",
                          "1µs",
                          "999ns",
                          "50ms",
                          "150ms",
                          "1s",
                          "60s",
                          "-1s",
                          "-20ms",
                          "24h",
                          "-24h",
                          "24h1ns",
                          "720h",
                          "721h",
                          "8760000h",
                          "1e9s",
                          "9223372036854775807ns",
                          "9223372036854775808ns",
                          ".5s",
                          "5.s",
                          "+5s",
                          "5 s",
                          "5S",
                          "forever",
                          "leader",
                          "holder:r1",
                          "holder:nope",
                          "holder:",
                          "storage",
                          "n1",
                          "n2",
                          "n9",
                          "n10",
                          "r1",
                          "alice",
                          "bob",
                          "all",
                          "c1",
                          "x:y",
                          "名前",
                          json::array(),
                          json::object(),
                          true,
                          false,
                          nullptr};
    for (const json& e : extra) out.values.push_back(e);
    return out;
  }();
  return v;
}

// Every JSON pointer in the document (the root included).
inline void collect_pointers(const json& j, const json::json_pointer& at,
                             std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) collect_pointers(it.value(), at / it.key(), out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) collect_pointers(j[i], at / i, out);
  }
}

inline json random_value(SplitMix& rng) {
  const Vocabulary& v = vocabulary();
  return v.values[rng.below(v.values.size())];
}

// One structured edit of `doc` (an object). Returns false if nothing changed.
inline bool mutate_document(json& doc, SplitMix& rng) {
  std::vector<json::json_pointer> ptrs;
  collect_pointers(doc, json::json_pointer(), &ptrs);
  const json::json_pointer at = ptrs[rng.below(ptrs.size())];
  json& node = doc[at];
  const Vocabulary& vocab = vocabulary();
  switch (rng.below(9)) {
    case 0:  // replace by an interesting value (wrong type, extreme, ...)
      if (at.empty()) return false;
      node = random_value(rng);
      return true;
    case 1: {  // delete this key or element
      if (at.empty()) return false;
      json& parent = doc[at.parent_pointer()];
      const std::string last = at.back();
      if (parent.is_object())
        parent.erase(last);
      else if (parent.is_array())
        parent.erase(static_cast<size_t>(std::stoul(last)));
      return true;
    }
    case 2:  // add a known key (maybe in the wrong object) with some value
      if (!node.is_object()) return false;
      node[vocab.keys[rng.below(vocab.keys.size())]] =
          rng.below(2) ? random_value(rng) : doc[ptrs[rng.below(ptrs.size())]];
      return true;
    case 3:  // duplicate array elements (counts grow)
      if (!node.is_array() || node.empty()) return false;
      for (size_t n = 1 + rng.below(4); n > 0 && node.size() < 256; --n)
        node.push_back(node[rng.below(node.size())]);
      return true;
    case 4: {  // copy another subtree here
      if (at.empty()) return false;
      const json other = doc[ptrs[rng.below(ptrs.size())]];
      node = other;
      return true;
    }
    case 5:  // nudge a number
      if (node.is_number_integer()) {
        // Wrapping arithmetic: INT64_MIN - 1000 must not be undefined here.
        const auto x = static_cast<uint64_t>(node.get<int64_t>());
        const uint64_t deltas[] = {1, ~uint64_t{0}, 1000, ~uint64_t{999}};
        node = static_cast<int64_t>(rng.below(3) ? x + deltas[rng.below(4)] : uint64_t{0} - x);
      } else if (node.is_number()) {
        const double x = node.get<double>();
        node = rng.below(2) ? x * 2 : x / 3;
      } else {
        return false;
      }
      return true;
    case 6: {  // change a duration's number or unit
      if (!node.is_string()) return false;
      std::string s = node.get<std::string>();
      static const char* const units[] = {"ns", "us", "ms", "s", "m", "h", "", "d"};
      size_t i = 0;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' ||
                              s[i] == '-' || s[i] == '+'))
        ++i;
      if (i == 0) return false;
      std::string number = s.substr(0, i);
      if (rng.below(2))
        number = std::to_string(rng.next() % 1000000) + (rng.below(4) ? "" : "000000000");
      node = number + units[rng.below(8)];
      return true;
    }
    case 7:  // wrap in an array / take the first element
      if (at.empty()) return false;
      if (node.is_array() && !node.empty())
        node = json(node[0]);
      else
        node = json::array({node});
      return true;
    default: {  // rename a key to a near miss or another known key
      if (!node.is_object() || node.empty()) return false;
      auto it = node.begin();
      std::advance(it, static_cast<long>(rng.below(node.size())));
      std::string key = it.key();
      json value = it.value();
      node.erase(key);
      if (rng.below(2) && !key.empty())
        key[rng.below(key.size())] = 'x';
      else
        key = vocab.keys[rng.below(vocab.keys.size())];
      node[key] = std::move(value);
      return true;
    }
  }
}

// Cheap upper bound of bracket nesting, so the mutator's own parse of a
// hostile input cannot exhaust the stack (the loader checks exactly).
inline bool shallow_enough(std::string_view s) {
  int depth = 0;
  for (const char c : s) {
    if (c == '[' || c == '{') {
      if (++depth > 60) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

inline size_t structured_mutate(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  SplitMix rng(seed);
  if (rng.below(3) == 0) return LLVMFuzzerMutate(data, size, max_size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!shallow_enough(text)) return LLVMFuzzerMutate(data, size, max_size);
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return LLVMFuzzerMutate(data, size, max_size);
  bool changed = false;
  try {
    for (size_t n = 1 + rng.below(3); n > 0; --n) changed |= mutate_document(doc, rng);
  } catch (const std::exception&) {
    // A malformed pointer or a number out of range: just mutate bytes.
    return LLVMFuzzerMutate(data, size, max_size);
  }
  if (!changed) return LLVMFuzzerMutate(data, size, max_size);
  const std::string out = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

}  // namespace leasesim::fuzz
