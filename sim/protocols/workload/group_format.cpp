// The types of a requestor group (group_block.hpp): the same limits,
// defaults and descriptions in every family that uses it, in the family's
// own words.
#include <string>

#include "leasesim/format/limits.hpp"
#include "leasesim/protocols/workload/group_block.hpp"

namespace leasesim::workload {

namespace lim = scenario_limits;
using format::Field;
using format::Type;
using nlohmann::json;

GroupTypes group_types(format::Builder& b, const GroupWords& w, std::vector<Field> own) {
  const format::Common& c = format::common();
  GroupTypes t{};
  t.words = w;
  Type write_every = *b.duration(lim::kMinInterval, lim::kMaxDuration);
  write_every.zero_or_min = true;
  write_every.description = "0s, or a duration from 1us to 720h.";
  const Type* d_write = b.add(write_every);
  Type hold_word = *c.d_pos;
  hold_word.values = {"forever"};
  hold_word.expected = "a duration like \"5s\" or \"forever\"";
  hold_word.description = "A positive duration up to 720h, or \"forever\".";
  const Type* d_hold = b.add(hold_word);
  const Type* resource_names =
      b.array(c.name, "resources", 1, lim::kMaxResources, true, "an array of resource names");
  t.hold_range = b.object("A range drawn uniformly.",
                          {
                              {"min", c.d_pos, true, "Lower bound.", nullptr},
                              {"max", c.d_pos, true, "Upper bound (>= min).", nullptr},
                          });
  t.range = b.object("A range drawn uniformly.",
                     {
                         {"min", c.d_nonneg, true, "Lower bound.", nullptr},
                         {"max", c.d_nonneg, true, "Upper bound (>= min).", nullptr},
                     });
  Type all_t = *b.enumeration({"all"});
  all_t.expected = "\"all\" or an array of resource names";
  const Type* all = b.add(all_t);
  const Type* d_range = b.one_of("a duration like \"1s\" or {\"min\": \"0s\", \"max\": \"1s\"}",
                                 {c.d_nonneg, t.range});
  const std::vector<std::string> choices =
      w.cycle ? std::vector<std::string>{"fixed", "cycle", "random"}
              : std::vector<std::string>{"fixed", "random"};

  std::vector<Field> fields = {
      {"name", c.name, false, "One " + w.one + "'s name.", nullptr},
      {"names", b.array(c.name, "names", 1, lim::kMaxRequestors, true, "an array of names"), false,
       "Several " + w.many + "' names.", nullptr},
      {"count", b.integer(1, lim::kMaxRequestors, "a requestor count from 1 to 1000000"), false,
       "How many " + w.many + ", named prefix1..prefixN.", nullptr},
      {"prefix", c.name, false, "The name prefix for count.", "c"},
      {"resources", b.one_of("\"all\" or an array of resource names", {all, resource_names}), false,
       "The " + w.wanted + "s these " + w.many + " want.", "all"},
      {"choice", b.enumeration(choices), false,
       "Which " + w.wanted + " to want next. Default: fixed with one resource, else random.",
       nullptr},
      {"start", c.d_nonneg, false, w.start, "0s"},
      {"hold",
       b.one_of("a duration like \"5s\", \"forever\" or {\"min\": \"2s\", \"max\": \"10s\"}",
                {d_hold, t.hold_range}),
       false, "How long to hold a " + w.held + " before releasing it.",
       json{{"min", "2s"}, {"max", "10s"}}},
      {"think", d_range, false, "Pause between a release and the next want.",
       json{{"min", "0s"}, {"max", "1s"}}},
      {"backoff", d_range, false, "Pause after a refused acquire.",
       json{{"min", "500ms"}, {"max", "1500ms"}}},
  };
  for (Field& f : own) fields.push_back(std::move(f));
  fields.push_back({"write_every", d_write, false,
                    "Interval between writes to storage while holding; 0s: no writes. Any writer "
                    "makes the storage node exist.",
                    "0s"});
  fields.push_back({"check_to_write", c.d_nonneg, false,
                    "Delay between the holder's check and its write.", "1ms"});
  fields.push_back({"max_holds", c.u32, false, "Stop after this many holds; 0: unlimited.", 0});

  Type group = *b.object("A group of " + w.many +
                             " with one configuration. Name it with exactly one of name, names "
                             "or count (+ prefix).",
                         std::move(fields));
  group.def_name = w.def_name;
  group.exactly_one = {{"name", "names", "count"}};
  group.needs = {{"prefix", "count"}};
  t.group = b.add(group);
  t.list = b.array(t.group, w.one + " groups", 0, lim::kMaxRequestors, false,
                   "an array of " + w.one + " groups");
  return t;
}

}  // namespace leasesim::workload
