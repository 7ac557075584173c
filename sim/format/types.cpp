// The format's building blocks: name tests, duration patterns, the
// Builder and the shared types.
#include "leasesim/format/types.hpp"

#include "leasesim/format/limits.hpp"

namespace leasesim::format {

namespace lim = scenario_limits;
using nlohmann::json;

const char* const kDurationPattern =
    "^[+-]?(0|([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))$";
// Signed durations minus the negative ones; "-0s" is still zero.
const char* const kNonNegativeDurationPattern =
    "^(\\+?(0|([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))"
    "|-(0|(0+(\\.0*)?|\\.0+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)))$";

namespace {

bool is_lower_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}
bool is_name_char(char c) {
  return is_lower_name_char(c) || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool is_scenario_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_lower_name_char(c)) return false;
  }
  return true;
}

bool is_node_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_target(std::string_view s) {
  constexpr std::string_view kHolder = "holder:";
  if (s.substr(0, kHolder.size()) == kHolder) s.remove_prefix(kHolder.size());
  return is_node_name(s);
}

const Field* Type::field(std::string_view key) const {
  for (const Field& f : fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

std::vector<std::string> Type::keys() const {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const Field& f : fields) out.push_back(f.key);
  return out;
}

const Type* Builder::add(Type t) {
  pool_.push_back(std::move(t));
  return &pool_.back();
}

const Type* Builder::duration(Duration lo, Duration hi, std::string description) {
  Type t;
  t.kind = Kind::kDuration;
  t.dur_min = lo;
  t.dur_max = hi;
  t.expected = "a duration like \"150ms\"";
  t.description = std::move(description);
  return add(std::move(t));
}
const Type* Builder::integer(int64_t lo, uint64_t hi, std::string expected) {
  Type t;
  t.kind = Kind::kInteger;
  t.int_min = lo;
  t.int_max = hi;
  t.expected = std::move(expected);
  return add(std::move(t));
}
const Type* Builder::number(double lo, double hi, std::string expected) {
  Type t;
  t.kind = Kind::kNumber;
  t.num_min = lo;
  t.num_max = hi;
  t.expected = std::move(expected);
  return add(std::move(t));
}
const Type* Builder::enumeration(std::vector<std::string> values) {
  Type t;
  t.kind = Kind::kEnum;
  t.values = std::move(values);
  return add(std::move(t));
}
const Type* Builder::boolean() {
  Type t;
  t.kind = Kind::kBool;
  t.expected = "true or false";
  return add(std::move(t));
}
const Type* Builder::string(std::string expected) {
  Type t;
  t.kind = Kind::kString;
  t.expected = std::move(expected);
  return add(std::move(t));
}
const Type* Builder::array(const Type* element, std::string noun, uint64_t lo, uint64_t hi,
                           bool unique, std::string expected) {
  Type t;
  t.kind = Kind::kArray;
  t.element = element;
  t.noun = std::move(noun);
  t.min_items = lo;
  t.max_items = hi;
  t.unique = unique;
  t.expected = std::move(expected);
  return add(std::move(t));
}
const Type* Builder::object(std::string description, std::vector<Field> fields) {
  Type t;
  t.kind = Kind::kObject;
  t.expected = "an object";
  t.description = std::move(description);
  t.fields = std::move(fields);
  return add(std::move(t));
}
const Type* Builder::one_of(std::string expected, std::vector<const Type*> alternatives) {
  Type t;
  t.kind = Kind::kUnion;
  t.expected = std::move(expected);
  t.alternatives = std::move(alternatives);
  return add(std::move(t));
}

const Common& common() {
  static const Common* const shared = [] {
    static Builder& b = *new Builder();  // never destroyed: tables point into it
    const Duration kMax = lim::kMaxDuration;
    auto* c = new Common();
    Type name_t;
    name_t.kind = Kind::kString;
    name_t.def_name = "name";
    name_t.description = "A name of letters, digits, \".\", \"_\" and \"-\".";
    name_t.pattern = "^[A-Za-z0-9._-]+$";
    name_t.match = is_node_name;
    name_t.expected = "a name of letters, digits, \".\", \"_\" and \"-\"";
    c->name = b.add(name_t);
    c->d_pos = b.duration(Duration(1), kMax, "A positive duration, at most 720h.");
    c->d_interval = b.duration(lim::kMinInterval, kMax, "A duration from 1us to 720h.");
    c->d_nonneg = b.duration(Duration::zero(), kMax, "A duration from 0s to 720h.");
    c->boolean = b.boolean();
    c->any_string = b.string("a string");
    c->u32 = b.integer(0, UINT32_MAX, "an integer from 0 to 4294967295");
    c->u64 = b.integer(0, UINT64_MAX, "a non-negative integer");
    c->probability = b.number(0, 1, "a probability from 0 to 1");
    return c;
  }();
  return *shared;
}

}  // namespace leasesim::format
