// JUnit XML for `leasesim check --junit FILE`: the report format GitHub
// Actions test reporters, GitLab and Jenkins read. The shape (what those
// readers need; tests/scripts/test_check_junit.py checks it):
//
//   <testsuites name tests failures errors skipped time>
//     <testsuite name tests failures errors skipped time>   one per folder
//       <properties><property name value/>...</properties>
//       <testcase classname name file time>                 one per scenario x seed
//         <failure message type>text</failure>              unmet expectation, incomplete run
//         <error message type>text</error>                  a file that could not be loaded
//         <skipped message/>                                a benchmark file not run
//         <system-out>text</system-out>
//       </testcase>
//
// classname is the scenario's folder with '.' for '/' ("scenarios.failover");
// name is the file's stem and seed ("leader-crash (seed 1)"). Text is
// escaped, and bytes XML 1.0 cannot carry (control characters, invalid
// UTF-8) become '?', so any file name or message gives well-formed XML.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace leasesim::cli {

struct JunitCase {
  enum class Outcome { kPassed, kFailed, kError, kSkipped };
  std::string classname;
  std::string name;
  std::string file;
  double seconds = 0.0;
  Outcome outcome = Outcome::kPassed;
  std::string type;     // failure/error type ("unmet_expectation", "incomplete", ...)
  std::string message;  // one line
  std::string text;     // the whole story
  std::string out;      // system-out (the run's summary)
};

// "scenarios/failover/leader-crash.json" -> "scenarios.failover"; a file
// without a folder -> "leasesim".
std::string junit_classname(const std::string& file);

// The document. Suites appear in the order their first case does; cases
// keep their order. `properties` go into every suite.
std::string junit_xml(const std::string& name, const std::vector<JunitCase>& cases,
                      const std::vector<std::pair<std::string, std::string>>& properties);

}  // namespace leasesim::cli
