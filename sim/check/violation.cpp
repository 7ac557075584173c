#include "leasesim/check/violation.hpp"

#include <array>
#include <string>
#include <string_view>

namespace leasesim {
namespace {
constexpr std::array<std::string_view, 5> kNames = {"overlap", "stale_write", "latent_overlap",
                                                    "election_safety", "committed_changed"};
static_assert(kNames.size() == static_cast<size_t>(ViolationKind::kCount));
}  // namespace

const char* to_string(ViolationKind k) {
  return kNames[static_cast<size_t>(k)].data();
}

std::string format_instant(TimePoint t) {
  std::string s = format_time(t);  // "S.UUUUUUs"
  s.pop_back();
  while (s.size() >= 2 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  s += 's';
  return s;
}

bool parse_violation_kind(std::string_view name, ViolationKind* out) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) {
      *out = static_cast<ViolationKind>(i);
      return true;
    }
  }
  return false;
}

}  // namespace leasesim
