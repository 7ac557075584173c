// The JSON Schema of the scenario format, generated from the format tables.
#include "leasesim/scenario/schema.hpp"

#include <map>
#include <span>
#include <string>

#include "format_tables.hpp"
#include "leasesim/protocol/registry.hpp"

namespace leasesim {

namespace {

using format::Field;
using format::Kind;
using format::Type;
using nlohmann::json;

class SchemaWriter {
 public:
  json write(const Type& root) { return wrap(body(root)); }

  // Several protocols: the generic keys, and each protocol's own keys where
  // protocol.name names it (the default protocol's also where it names
  // none). unevaluatedProperties closes the root over all branches.
  json write_protocols(const Type& generic, std::span<const ProtocolModule* const> modules) {
    json s = body(generic);
    s.erase("additionalProperties");
    s["unevaluatedProperties"] = false;
    json names = json::array();
    for (const ProtocolModule* m : modules) names.push_back(std::string(m->name()));
    // Each branch below closes the object over its protocol's keys; the
    // name itself must be one that some branch knows.
    s["properties"]["protocol"] = {
        {"type", "object"},
        {"description", "The protocol and its variant."},
        {"properties",
         {{"name",
           {{"enum", names},
            {"description", "The protocol (leasesim presets lists them); default: " +
                                names.front().get<std::string>() + "."}}}}}};
    json branches = json::array();
    for (size_t i = 0; i < modules.size(); ++i) {
      const ProtocolModule& m = *modules[i];
      const Type& root = *scenario_detail::root_for(m);
      json when = {
          {"properties",
           {{"protocol", {{"properties", {{"name", {{"const", std::string(m.name())}}}}}}}}}};
      if (i > 0) {
        when["required"] = {"protocol"};
        when["properties"]["protocol"]["required"] = {"name"};
      }
      json then = {{"properties", json::object()}};
      for (const Field& f : root.fields) {
        if (f.key == "protocol" || generic.field(f.key) == nullptr)
          then["properties"][f.key] = field_schema(f);
      }
      branches.push_back({{"if", when}, {"then", then}});
    }
    s["allOf"] = branches;
    return wrap(s);
  }

 private:
  json wrap(const json& s) {
    json out;
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    out["$id"] = "https://leasesim.invalid/scenario.schema.json";
    out["title"] = "leasesim scenario";
    for (auto it = s.begin(); it != s.end(); ++it) out[it.key()] = it.value();
    json defs = json::object();
    defs["duration"] = {
        {"type", "string"},
        {"pattern", format::kDurationPattern},
        {"description",
         "A duration: an optional sign, a decimal number and a unit (ns, us, ms, s, m, h), "
         "e.g. \"150ms\", \"1.5s\", \"-2s\"; a bare \"0\" is allowed. Whole nanoseconds only."}};
    defs["non_negative_duration"] = {
        {"type", "string"},
        {"pattern", format::kNonNegativeDurationPattern},
        {"description", "A duration that is not negative, e.g. \"0s\", \"150ms\", \"2m\"."}};
    for (auto& [name, d] : defs_) defs[name] = d;
    out["$defs"] = defs;
    return out;
  }

  // A reference to a named type (emitted once), or the type's schema.
  json use(const Type& t) {
    if (t.def_name.empty()) return body(t);
    if (defs_.find(t.def_name) == defs_.end()) {
      defs_[t.def_name] = json::object();  // placeholder: breaks recursion
      defs_[t.def_name] = body(t);
    }
    return {{"$ref", "#/$defs/" + t.def_name}};
  }

  json field_schema(const Field& f) {
    json s = use(*f.type);
    // Durations carry their range in their description (a pattern cannot).
    std::string description = f.description;
    if (f.type->kind == Kind::kDuration && !f.type->description.empty()) {
      description += (description.empty() ? "" : " ") + f.type->description;
    }
    if (!description.empty()) s["description"] = description;
    if (!f.default_value.is_null()) s["default"] = f.default_value;
    return s;
  }

  static json required_groups(const std::vector<std::string>& keys) {
    json alts = json::array();
    for (const std::string& k : keys) alts.push_back({{"required", {k}}});
    return alts;
  }

  json body(const Type& t) {
    json s = json::object();
    if (!t.description.empty()) s["description"] = t.description;
    switch (t.kind) {
      case Kind::kObject: {
        s["type"] = "object";
        json props = json::object();
        json required = json::array();
        for (const Field& f : t.fields) {
          props[f.key] = field_schema(f);
          if (f.required) required.push_back(f.key);
        }
        s["properties"] = props;
        if (!required.empty()) s["required"] = required;
        s["additionalProperties"] = false;
        json all = json::array();
        for (const auto& g : t.exactly_one) all.push_back({{"oneOf", required_groups(g)}});
        for (const auto& g : t.at_least_one) all.push_back({{"anyOf", required_groups(g)}});
        if (all.size() == 1) {
          s.update(all[0]);
        } else if (!all.empty()) {
          s["allOf"] = all;
        }
        if (!t.needs.empty()) {
          json dep = json::object();
          for (const auto& [key, needed] : t.needs) dep[key] = {needed};
          s["dependentRequired"] = dep;
        }
        break;
      }
      case Kind::kMap:
        s["type"] = "object";
        s["propertyNames"] = use(*t.key_type);
        s["additionalProperties"] = use(*t.element);
        break;
      case Kind::kArray:
        s["type"] = "array";
        s["items"] = use(*t.element);
        if (t.min_items > 0) s["minItems"] = t.min_items;
        if (t.max_items != UINT64_MAX) s["maxItems"] = t.max_items;
        if (t.unique) s["uniqueItems"] = true;
        break;
      case Kind::kString:
        s["type"] = "string";
        if (!t.pattern.empty()) s["pattern"] = t.pattern;
        break;
      case Kind::kEnum:
        s["type"] = "string";
        if (t.values.size() == 1) {
          s["const"] = t.values[0];
        } else {
          s["enum"] = t.values;
        }
        break;
      case Kind::kInteger:
        s["type"] = "integer";
        s["minimum"] = t.int_min;
        s["maximum"] = t.int_max;
        break;
      case Kind::kNumber:
        s["type"] = "number";
        s["minimum"] = t.num_min;
        s["maximum"] = t.num_max;
        break;
      case Kind::kBool:
        s["type"] = "boolean";
        break;
      case Kind::kDuration: {
        const json ref = {{"$ref", t.dur_min < Duration::zero() ? "#/$defs/duration"
                                                                : "#/$defs/non_negative_duration"}};
        if (t.values.empty()) {
          s.update(ref);
        } else {
          s["anyOf"] = {{{"enum", t.values}}, ref};
        }
        break;
      }
      case Kind::kUnion: {
        json alts = json::array();
        for (const Type* a : t.alternatives) alts.push_back(use(*a));
        s["anyOf"] = alts;
        break;
      }
      case Kind::kTagged: {
        s["type"] = "object";
        json tags = json::array();
        json variants = json::array();
        for (const auto& [tag, variant] : t.variants) {
          tags.push_back(tag);
          variants.push_back(use(*variant));
        }
        s["properties"] = {{t.tag, {{"enum", tags}}}};
        s["required"] = {t.tag};
        s["oneOf"] = variants;
        break;
      }
    }
    return s;
  }

  std::map<std::string, json> defs_;
};

}  // namespace

json scenario_schema() {
  SchemaWriter w;
  const auto modules = protocols();
  if (modules.size() <= 1) return w.write(*scenario_detail::root_for(default_protocol()));
  return w.write_protocols(*scenario_detail::tables().root, modules);
}

}  // namespace leasesim
