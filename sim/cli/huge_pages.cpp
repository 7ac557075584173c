#include "leasesim/cli/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

#include "leasesim/core/sanitizers.hpp"

namespace leasesim::cli {

namespace {

constexpr const char* kTunable = "glibc.malloc.hugetlb";
constexpr const char* kMarker = "LEASESIM_HUGE_PAGES_SET";

// glibc 2.35 or later (the first with the tunable); false for another C library.
bool glibc_has_tunable() {
#if defined(__GLIBC__)
  const char* v = gnu_get_libc_version();
  if (v == nullptr) return false;
  const int major = std::atoi(v);
  const char* dot = std::strchr(v, '.');
  const int minor = dot != nullptr ? std::atoi(dot + 1) : 0;
  return major > 2 || (major == 2 && minor >= 35);
#else
  return false;
#endif
}

std::string thp_mode() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!f || !std::getline(f, line)) return "";
  const size_t open = line.find('[');
  const size_t close = line.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return "";
  return line.substr(open + 1, close - open - 1);
}

bool tunable_set(const char* tunables) {
  return tunables != nullptr && std::strstr(tunables, kTunable) != nullptr;
}

bool under_valgrind() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, "vgpreload") != nullptr;
}

// Empty: re-execute with the tunable. Otherwise why not.
std::string reason_not_to() {
  const char* off = std::getenv("LEASESIM_HUGE_PAGES");
  if (off != nullptr && std::strcmp(off, "0") == 0) return "LEASESIM_HUGE_PAGES=0";
  if (tunable_set(std::getenv("GLIBC_TUNABLES"))) return "GLIBC_TUNABLES sets it";
  if (kSanitizerBuild) return "sanitizer build";
  if (!glibc_has_tunable()) return "needs glibc 2.35 or later";
  if (under_valgrind()) return "under valgrind";
  const std::string mode = thp_mode();
  if (mode.empty()) return "kernel has no transparent huge pages";
  if (mode != "madvise") return "kernel transparent_hugepage=" + mode;
  return "";
}

}  // namespace

void use_huge_pages(char** argv) {
  if (std::getenv(kMarker) != nullptr || !reason_not_to().empty()) return;
  const char* old = std::getenv("GLIBC_TUNABLES");
  const std::string before = old != nullptr ? old : "";
  std::string value = before.empty() ? std::string() : before + ":";
  value += kTunable;
  value += "=1";
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0 || setenv(kMarker, "1", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: exec failed. Go on as we are, with the environment as it was
  // (the marker stays, so that a child leasesim does not try again).
  if (old != nullptr)
    setenv("GLIBC_TUNABLES", before.c_str(), 1);
  else
    unsetenv("GLIBC_TUNABLES");
}

std::string huge_pages_status() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (std::strstr(tunables != nullptr ? tunables : "", "glibc.malloc.hugetlb=1") != nullptr) {
    if (kSanitizerBuild) return "off: sanitizer build";
    if (under_valgrind()) return "off: under valgrind";
    const std::string mode = thp_mode();
    if (mode == "madvise" || mode == "always") return "on";
    return "off: kernel transparent_hugepage=" + (mode.empty() ? std::string("absent") : mode);
  }
  if (thp_mode() == "always") return "on (kernel transparent_hugepage=always)";
  const std::string why = reason_not_to();
  return "off: " + (why.empty() ? std::string("not re-executed") : why);
}

}  // namespace leasesim::cli
