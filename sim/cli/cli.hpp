// Shared pieces of the leasesim command line. Exit codes (docs/cli.md):
//   0  ok / everything as expected
//   1  a safety violation or an unmet expectation
//   2  bad input or usage (the message says what and where)
//   130 interrupted by SIGINT/SIGTERM (explore, sweep, check: what finished
//       is written)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "leasesim/report/wrap.hpp"
#include "leasesim/scenario/scenario.hpp"

namespace leasesim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM: what finished is written

// Thrown by commands for a usage error; main prints it and exits 2.
struct UsageError {
  std::string message;
};

int cmd_run(const std::vector<std::string>& args);
int cmd_check(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_schema(const std::vector<std::string>& args);
int cmd_explore(const std::vector<std::string>& args);
int cmd_merge(const std::vector<std::string>& args);
int cmd_shrink(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_results(const std::vector<std::string>& args);
int cmd_presets(const std::vector<std::string>& args);

// Loads a scenario, printing errors and warnings to stderr. nullopt on error.
std::optional<Scenario> load_or_report(const std::string& path, bool show_warnings = true);

// Scenario files under each path (files as given, folders recursively,
// *.json only), sorted so runs are reproducible.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths, std::string* error);

// Parses a subcommand's arguments: the `visible` options (printed by
// --help), the `hidden` ones, and the positional arguments, which go to the
// hidden option `positional` (`count` of them; -1: any number). Returns true
// if --help was asked for (the help is printed; the command exits 0).
// Boost's own errors (unknown option, missing value) propagate to main,
// which reports them as usage errors (exit 2).
bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& visible,
                        const boost::program_options::options_description& hidden,
                        const char* positional, int count,
                        boost::program_options::variables_map* vm);

// Parses a duration argument or throws UsageError naming the option.
Duration parse_duration_arg(const std::string& option, const std::string& text);

// Parses a whole number of at least `min` (digits only: "-1" is refused, not
// read as 2^64-1) or throws UsageError naming the option.
uint64_t parse_count_arg(const std::string& option, const std::string& text, uint64_t min);

// Parses a seed (0 .. 2^64-1; a negative one is refused with a message that
// says so) or throws UsageError naming the option.
uint64_t parse_seed_arg(const std::string& option, const std::string& text);

// "; did you mean \"check\"?" when `typed` is a likely misspelling (edit
// distance, transpositions counted once) or a unique prefix of one of
// `known`; "" otherwise. Several equally close candidates are all named.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& known);

std::string join(const std::vector<std::string>& parts, const std::string& separator);

}  // namespace leasesim::cli
