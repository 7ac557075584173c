// The table of bad scenarios (loader_errors_test.cpp runs it): each case
// with the exact messages a user sees. The cases are kept in two files by
// what they get wrong: the document (loader_errors_document_test.cpp: syntax,
// root, protocol, core) and the run it describes
// (loader_errors_run_test.cpp: lease, requestors, network, clocks, faults,
// expectations).
#pragma once

#include <string>
#include <vector>

namespace leasesim::testing {

struct BadCase {
  const char* name;
  std::string text;
  std::vector<std::string> errors;  // exact, in order
};

// A valid minimal scenario with `extra` spliced in after the required keys.
inline std::string doc(const std::string& extra) {
  return std::string(R"({"name": "t", "duration": "60s")") + (extra.empty() ? "" : ", " + extra) +
         "}";
}

inline std::string deep(int levels) {
  std::string s = R"({"name": "t", "duration": "60s", "x": )";
  for (int i = 1; i < levels; ++i) s += "[";
  for (int i = 1; i < levels; ++i) s += "]";
  return s + "}";
}

inline std::string many_faults(size_t n) {
  std::string s = R"({"name": "t", "duration": "60s", "faults": [)";
  for (size_t i = 0; i < n; ++i) s += std::string(i ? "," : "") + R"({"at":"1s","kind":"heal"})";
  return s + "]}";
}

// ["r1", ..., "rN"]
inline std::string resource_list(size_t n) {
  std::string s = "[";
  for (size_t i = 1; i <= n; ++i) s += (i > 1 ? ",\"r" : "\"r") + std::to_string(i) + "\"";
  return s + "]";
}

inline const char* const kNodes = "(nodes: n1, n2, n3, alice)";

std::vector<BadCase> bad_document_cases();
std::vector<BadCase> bad_run_cases();

}  // namespace leasesim::testing
