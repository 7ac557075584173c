// The `explore` block: limits for the random faults of `leasesim explore`.
#include <string>

#include "leasesim/fault/random_faults.hpp"
#include "loader_impl.hpp"

namespace leasesim::scenario_detail {

void Loader::read_explore() {
  const json* e = doc_member("explore");
  if (e == nullptr || !e->is_object()) return;  // absent, or reported by the structural check
  const Type* et = t_.explore;
  ExploreSpec spec;
  bool ok = true;

  if (const FieldValue kinds = field_value(e, et, "kinds"); kinds.value != nullptr) {
    spec.kinds = 0;
    for (const json& k : *kinds.value) {
      ExploreKind kind;
      if (parse_explore_kind(k.get_ref<const std::string&>(), &kind)) {
        spec.kinds |= explore_bit(kind);
      }
    }
  } else if (kinds.present) {
    ok = false;
  }

  uint64_t n = 0;
  if (get_uint(e, et, "min_faults", &n)) spec.min_faults = static_cast<uint32_t>(n);
  if (get_uint(e, et, "max_faults", &n)) spec.max_faults = static_cast<uint32_t>(n);
  // min_faults left out follows a smaller max_faults: "max_faults": 0 is a
  // baseline without faults (a sweep cell), not a contradiction of a
  // default the file never wrote.
  if (!field_value(e, et, "min_faults").present && spec.min_faults > spec.max_faults)
    spec.min_faults = spec.max_faults;
  if (field_value(e, et, "min_faults").valid && field_value(e, et, "max_faults").valid &&
      spec.min_faults > spec.max_faults) {
    error("/explore/min_faults", "expected min_faults <= max_faults (" +
                                     std::to_string(spec.max_faults) + "), found " +
                                     std::to_string(spec.min_faults));
    ok = false;
  }

  if (const FieldValue targets = field_value(e, et, "targets");
      targets.value != nullptr && targets.value->is_array()) {
    for (size_t i = 0; i < targets.value->size(); ++i) {
      FaultTarget t;
      if (resolve_target(&(*targets.value)[i], "/explore/targets/" + std::to_string(i), &t)) {
        spec.targets.push_back(t);
      } else {
        ok = false;
      }
    }
  }

  get_duration(e, et, "start_after", &spec.start_after);
  get_duration(e, et, "quiet_after", &spec.quiet_after);
  get_duration(e, et, "max_down", &spec.max_down);
  get_duration(e, et, "max_pause", &spec.max_pause);
  get_duration(e, et, "max_partition", &spec.max_partition);
  if (const FieldValue v = field_value(e, et, "drift_ppm"); v.value != nullptr) {
    spec.drift_ppb = ppm_to_ppb(*v.value);
  }
  get_duration(e, et, "max_step", &spec.max_step);
  get_double(e, et, "max_loss", &spec.max_loss);
  get_double(e, et, "max_duplicate", &spec.max_duplicate);
  get_duration(e, et, "max_window", &spec.max_window);
  get_duration(e, et, "max_latency", &spec.max_latency);

  // The fault window must not be empty when faults are asked for.
  const bool window_known = duration_known_ && field_value(e, et, "start_after").valid &&
                            field_value(e, et, "quiet_after").valid;
  if (window_known && spec.max_faults > 0 && spec.kinds != 0 &&
      spec.start_after + spec.quiet_after >= s_.duration) {
    error("/explore", "expected start_after + quiet_after (" + format_duration(spec.start_after) +
                          " + " + format_duration(spec.quiet_after) +
                          ") shorter than the duration (" + format_duration(s_.duration) +
                          "), found no time left for faults");
    ok = false;
  }
  if (ok) s_.explore = std::move(spec);
}

}  // namespace leasesim::scenario_detail
