// Reading a requestor group (group_block.hpp): its members' names and its
// workload, with the loader's diagnostics.
#include <string>

#include "leasesim/format/limits.hpp"
#include "leasesim/format/ranges.hpp"
#include "leasesim/format/reader.hpp"
#include "leasesim/protocols/workload/group_block.hpp"

namespace leasesim::workload {

namespace lim = scenario_limits;
using format::field_value;
using format::FieldValue;
using nlohmann::json;

std::string GroupNames::member_name(size_t k) const {
  LEASESIM_ASSERT(k < count, "a member outside its group");
  return naming == Naming::kCount ? prefix + std::to_string(k + 1) : names[k];
}

std::string GroupNames::member_origin(size_t k) const {
  switch (naming) {
    case Naming::kDefault:
      return "the default requestor";
    case Naming::kName:
      return path + "/name";
    case Naming::kNames:
      return path + "/names/" + std::to_string(k);
    case Naming::kCount:
      return path + "/count";
  }
  return "";
}

bool read_names(const json* g, const format::Type* gt, const std::string& path, GroupNames* out) {
  out->path = path;
  if (g == nullptr) {
    out->naming = GroupNames::Naming::kDefault;
    out->names = {"alice"};
    out->count = 1;
    return true;
  }
  const FieldValue name = field_value(g, gt, "name");
  const FieldValue names = field_value(g, gt, "names");
  const FieldValue count = field_value(g, gt, "count");
  const int forms = (name.present ? 1 : 0) + (names.present ? 1 : 0) + (count.present ? 1 : 0);
  if (forms != 1 || !name.valid || !names.valid || !count.valid ||
      !field_value(g, gt, "prefix").valid || !g->is_object()) {
    return false;
  }
  if (name.present) {
    out->naming = GroupNames::Naming::kName;
    out->names = {name.value->get<std::string>()};
    out->count = 1;
  } else if (names.present) {
    out->naming = GroupNames::Naming::kNames;
    for (const json& n : *names.value) out->names.push_back(n.get<std::string>());
    out->count = out->names.size();
  } else {
    out->naming = GroupNames::Naming::kCount;
    format::get_string(g, gt, "prefix", &out->prefix);
    out->count = format::to_uint(*count.value);
  }
  return true;
}

namespace {

// Reads the range at `key`, if given, and checks its order.
void read_range_at(const json* g, const format::Type* gt, const format::Type* range_type,
                   const std::string& path, const char* key, format::Sink& diag, Duration* lo,
                   Duration* hi) {
  const FieldValue v = field_value(g, gt, key);
  if (v.value == nullptr) return;
  format::read_range(*v.value, range_type, lo, hi);
  format::check_range_order(diag, path + "/" + key, *lo, *hi, key);
}

}  // namespace

void read_workload(const json* g, const GroupTypes& t, const std::string& path,
                   const BlockInput& in, format::Sink& diag, Workload* w) {
  const format::Type* gt = t.group;
  const FieldValue res = field_value(g, gt, "resources");
  if (res.value != nullptr && res.value->is_array()) {
    for (size_t i = 0; i < res.value->size(); ++i) {
      const auto& n = (*res.value)[i].get_ref<const std::string&>();
      const auto it = in.resource_ids.find(n);
      if (it != in.resource_ids.end())
        w->resources.push_back(it->second);
      else
        in.unknown_resource(diag, path + "/resources/" + std::to_string(i), n);
    }
  } else if (res.value != nullptr) {  // "all": a range, not a list per member
    w->resource_range = static_cast<uint32_t>(in.resources.size());
  }
  std::string choice;
  if (format::get_string(g, gt, "choice", &choice)) {
    w->choice = choice == "fixed"   ? ResourceChoice::kFixed
                : choice == "cycle" ? ResourceChoice::kCycle
                                    : ResourceChoice::kRandom;
  } else {
    w->choice = w->resource_count() == 1 ? ResourceChoice::kFixed : ResourceChoice::kRandom;
  }
  format::get_duration(g, gt, "start", &w->start_after);
  read_range_at(g, gt, t.hold_range, path, "hold", diag, &w->hold_min, &w->hold_max);
  read_range_at(g, gt, t.range, path, "think", diag, &w->think_min, &w->think_max);
  read_range_at(g, gt, t.range, path, "backoff", diag, &w->backoff_min, &w->backoff_max);
  format::get_duration(g, gt, "write_every", &w->write_every);
  format::get_duration(g, gt, "check_to_write", &w->check_to_write);
  format::get_u32(g, gt, "max_holds", &w->max_holds);
}

bool check_totals(uint64_t members, uint64_t refs, const std::string& where,
                  const GroupWords& words, format::Sink& diag) {
  if (members > lim::kMaxRequestors) {
    diag.error(where, "expected at most " + format::to_text(lim::kMaxRequestors) + " " +
                          words.many + " in all, found " + format::to_text(members));
    return false;
  }
  if (refs > lim::kMaxResourceRefs) {
    diag.error(where, "expected at most " + format::to_text(lim::kMaxResourceRefs) +
                          " resources summed over all " + words.many + " (each " + words.one +
                          "'s list counts), found " + format::to_text(refs) +
                          "; give large groups fewer resources");
    return false;
  }
  return true;
}

}  // namespace leasesim::workload
