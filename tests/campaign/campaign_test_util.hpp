// Helpers shared by the campaign tests (and the CLI tests that read CSV).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "leasesim/campaign/params.hpp"

namespace leasesim::testing {

// A parameter from its command-line form; a parse error fails the test.
inline SweepParam param(const std::string& arg) {
  SweepParam p;
  std::string err;
  EXPECT_TRUE(parse_sweep_param(arg, &p, &err)) << err;
  return p;
}

// Splits one CSV line (RFC 4180 quoting, no newlines inside fields).
inline std::vector<std::string> csv_row(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace leasesim::testing
