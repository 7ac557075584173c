// The "requestors" key of the lock-service families' blocks (raft-lease and
// session-lease): a list of groups, each naming its members with exactly one
// of name, names or count (+ prefix) and giving them one workload
// (workload.hpp) and the family's own settings. The types, the reading and
// the canonical JSON live here once, so both families accept, report and
// write a group alike; a family adds its own fields and reads them itself.
// kv-lease's electors are named the same way and read their names with
// read_names().
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/core/assert.hpp"
#include "leasesim/format/diagnostics.hpp"
#include "leasesim/format/types.hpp"
#include "leasesim/protocol/module.hpp"
#include "leasesim/protocols/workload/workload.hpp"

namespace leasesim::workload {

// How a family speaks of its requestors, in the schema and in messages.
struct GroupWords {
  std::string one;       // "requestor"
  std::string many;      // "requestors"
  std::string wanted;    // what a member wants: "resource"
  std::string held;      // what it holds: "lease"
  std::string def_name;  // the group's name under the schema's "$defs"
  std::string start;     // the description of "start"
  bool cycle = false;    // whether "choice" may be "cycle"
};

struct GroupTypes {
  const format::Type* group;       // one group
  const format::Type* list;        // the array of groups
  const format::Type* hold_range;  // {"min", "max"}, positive durations
  const format::Type* range;       // {"min", "max"}, durations from 0s
  GroupWords words;                // as given to group_types()
};

// Builds the group's types in `b` (which owns them). `own` are the family's
// own fields, placed after "backoff".
GroupTypes group_types(format::Builder& b, const GroupWords& words, std::vector<format::Field> own);

// The names of one group's members.
struct GroupNames {
  enum class Naming : uint8_t { kDefault, kName, kNames, kCount };
  std::string path;  // "/requestors/3", or "" for the default group
  Naming naming = Naming::kDefault;
  std::vector<std::string> names;  // kDefault, kName, kNames
  std::string prefix;              // kCount
  size_t first = 0;                // the index of its first member among all groups'
  size_t count = 0;

  // Member k's name, and where the file gives it ("/requestors/2/names/1")
  // for duplicate-name messages. Precondition: k < count.
  std::string member_name(size_t k) const;
  std::string member_origin(size_t k) const;
};

// Reads how group `g` at `path` names its members (g null: the default
// group, one member "alice"). `group` is the group's type: any with the
// fields name, names, count and prefix (kv-lease's electors use it too).
// False if it does not name them in exactly one valid way; the structural
// check has reported that already.
bool read_names(const nlohmann::json* g, const format::Type* group, const std::string& path,
                GroupNames* out);

// Reads the workload of group `g` at `path` over `w`'s defaults (g null:
// every default), reporting unknown resources and ranges whose min exceeds
// their max.
void read_workload(const nlohmann::json* g, const GroupTypes& t, const std::string& path,
                   const BlockInput& in, format::Sink& diag, Workload* w);

// Whether `members` in all, and `refs` resource names summed over every
// member's list, are within the scenario limits; if not, reports it at
// `where` ("/requestors", or "" without a list).
bool check_totals(uint64_t members, uint64_t refs, const std::string& where,
                  const GroupWords& words, format::Sink& diag);

// The group of member `m`, in groups laid out in order of `first` (G
// derives from GroupNames). Precondition: some group holds m.
template <class G>
const G& group_of(const std::vector<G>& groups, size_t m) {
  const auto it = std::upper_bound(groups.begin(), groups.end(), m,
                                   [](size_t v, const G& g) { return v < g.first; });
  LEASESIM_ASSERT(it != groups.begin(), "a member outside every group");
  return *(it - 1);
}

// The canonical JSON of a workload (every field explicit), which
// read_workload() reads back to the same behaviour.
nlohmann::json workload_json(std::span<const std::string> resources, const Workload& w);

// The canonical "requestors" list of `n` members named `names`: a group of
// one per member ({"name": ...} plus config(i)), except that a run named
// prefix1, prefix2, ... whose members `same` finds alike becomes one
// {"count", "prefix"} group.
nlohmann::json groups_json(std::span<const std::string> names, size_t n,
                           const std::function<nlohmann::json(size_t)>& config,
                           const std::function<bool(size_t, size_t)>& same);

}  // namespace leasesim::workload
