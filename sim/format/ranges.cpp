// Duration ranges: reading, the order rule and canonical JSON.
#include "leasesim/format/ranges.hpp"

#include "leasesim/format/reader.hpp"

namespace leasesim::format {

void read_range(const nlohmann::json& v, const Type* range_type, Duration* lo, Duration* hi) {
  if (v.is_string()) {
    *lo = *hi = v.get_ref<const std::string&>() == "forever" ? Duration::max() : to_duration(v);
    return;
  }
  get_duration(&v, range_type, "min", lo);
  get_duration(&v, range_type, "max", hi);
}

bool check_range_order(Sink& diag, const std::string& pointer, Duration lo, Duration hi,
                       const char* what) {
  if (lo <= hi) return true;
  diag.error(pointer, std::string("expected ") + what + " min <= max, found min " +
                          format_duration(lo) + " > max " + format_duration(hi));
  return false;
}

nlohmann::json range_to_json(Duration lo, Duration hi) {
  if (lo == hi) return nlohmann::json(lo == Duration::max() ? "forever" : format_duration(lo));
  return {{"min", format_duration(lo)}, {"max", format_duration(hi)}};
}

}  // namespace leasesim::format
