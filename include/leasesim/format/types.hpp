// The scenario format as data: every key, its type, limits, default and
// description is written down once in tables of these types. The structural
// validator and the typed reads (reader.hpp), the scenario loader's tables
// and the JSON Schema generator all walk them, and so does every protocol
// module for its own block: a module describes its keys with the same
// types, so its errors read like the loader's and its keys appear in
// `leasesim schema`.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/core/time.hpp"

namespace leasesim::format {

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

// Makes Types and keeps them at stable addresses (tables point at each
// other). One Builder per set of tables, alive as long as they are.
class Builder {
 public:
  const Type* add(Type t);
  const Type* duration(Duration lo, Duration hi, std::string description = "");
  const Type* integer(int64_t lo, uint64_t hi, std::string expected);
  const Type* number(double lo, double hi, std::string expected);
  const Type* enumeration(std::vector<std::string> values);
  const Type* boolean();
  const Type* string(std::string expected);
  const Type* array(const Type* element, std::string noun, uint64_t lo, uint64_t hi, bool unique,
                    std::string expected);
  const Type* object(std::string description, std::vector<Field> fields);
  const Type* one_of(std::string expected, std::vector<const Type*> alternatives);

 private:
  std::deque<Type> pool_;
};

// Types every part of the format shares (the scenario's own sections and
// the protocol modules' blocks), so a name or a duration reads and is
// reported the same everywhere and `$defs` holds each named type once.
struct Common {
  const Type* name;        // a node or resource name ($defs "name")
  const Type* d_pos;       // a positive duration up to 720h
  const Type* d_interval;  // 1us .. 720h
  const Type* d_nonneg;    // 0s .. 720h
  const Type* boolean;
  const Type* any_string;
  const Type* u32;
  const Type* u64;
  const Type* probability;  // 0 .. 1
};
const Common& common();

// Name tests shared with the loader.
bool is_scenario_name(std::string_view s);  // [a-z0-9._-]+
bool is_node_name(std::string_view s);      // [A-Za-z0-9._-]+
bool is_target(std::string_view s);         // node name, "leader" or "holder:" + name

// Patterns for the schema's duration strings.
extern const char* const kDurationPattern;
extern const char* const kNonNegativeDurationPattern;

}  // namespace leasesim::format
