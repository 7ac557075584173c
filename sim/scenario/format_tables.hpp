// Internal to the scenario loader: the scenario format as data. Every key,
// its type, limits, default and description is written down once here; the
// structural validator (json_reader.cpp), the loader's typed reads and the
// JSON Schema generator (schema.cpp) all walk these tables.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/core/time.hpp"

namespace leasesim::scenario_detail {

enum class Kind : uint8_t {
  kObject,    // fixed keys (`fields`)
  kMap,       // any keys matching `key_type`, values of type `element`
  kArray,     // items of type `element`
  kString,    // a string matching `match` / `pattern`
  kEnum,      // one of `values`
  kInteger,   // an integer in [int_min, int_max]
  kNumber,    // a number in [num_min, num_max]
  kBool,      // true or false
  kDuration,  // a duration string in [dur_min, dur_max], or one of `values`
  kUnion,     // one of `alternatives`, chosen by JSON type
  kTagged,    // an object whose `tag` key picks one of `variants` (each a kObject)
};

struct Type;

struct Field {
  std::string key;
  const Type* type = nullptr;
  bool required = false;
  std::string description;
  nlohmann::json default_value;  // null: no fixed default (the description explains)
};

struct Type {
  Kind kind = Kind::kString;
  std::string def_name;     // non-empty: emitted once under "$defs" in the schema
  std::string description;  // for the schema
  std::string expected;     // for messages: "expected <expected>, found ..."

  // kObject
  std::vector<Field> fields;
  std::vector<std::vector<std::string>> exactly_one;       // exactly one key of each group
  std::vector<std::vector<std::string>> at_least_one;      // at least one key of each group
  std::vector<std::pair<std::string, std::string>> needs;  // key .first only with key .second

  // kArray, kMap
  const Type* element = nullptr;
  const Type* key_type = nullptr;  // kMap
  std::string noun;                // kArray, plural ("faults")
  uint64_t min_items = 0;
  uint64_t max_items = UINT64_MAX;
  bool unique = false;

  // kString
  std::string pattern;  // ECMA-262 regex for the schema; `match` is the same test in C++
  bool (*match)(std::string_view) = nullptr;

  // kEnum, kDuration (extra words such as "forever")
  std::vector<std::string> values;

  // kInteger
  int64_t int_min = 0;
  uint64_t int_max = UINT64_MAX;

  // kNumber
  double num_min = 0;
  double num_max = 0;

  // kDuration
  Duration dur_min;
  Duration dur_max;
  bool zero_or_min = false;  // 0 is allowed besides [dur_min, dur_max]

  // kUnion
  std::vector<const Type*> alternatives;

  // kTagged
  std::string tag;
  std::vector<std::pair<std::string, const Type*>> variants;

  const Field* field(std::string_view key) const;
  std::vector<std::string> keys() const;
};

// The types of the format, by role.
struct Tables {
  const Type* root;
  const Type* protocol;
  const Type* knobs;
  const Type* margin;
  const Type* sequencer;
  const Type* core;
  const Type* election;
  const Type* lease;
  const Type* resource_gen;  // {"count", "prefix"}
  const Type* requestor;
  const Type* hold_range;
  const Type* range;  // think, backoff
  const Type* network;
  const Type* latency;
  const Type* link;
  const Type* clocks;
  const Type* clock;
  const Type* faults;  // the tagged fault type
  const Type* expect;
  const Type* explore;
  // Fault variants by FaultKind order.
  std::vector<const Type*> fault_variants;
};

const Tables& tables();

// Name tests shared with the loader.
bool is_scenario_name(std::string_view s);  // [a-z0-9._-]+
bool is_node_name(std::string_view s);      // [A-Za-z0-9._-]+
bool is_target(std::string_view s);         // node name, "leader" or "holder:" + name

// Patterns for the schema's duration strings.
extern const char* const kDurationPattern;
extern const char* const kNonNegativeDurationPattern;

}  // namespace leasesim::scenario_detail
