// leasesim's command line: dispatches to subcommands; every error a user
// can cause ends in a message and exit code 2, never a crash. The program's
// main() (sim/main/leasesim.cpp) registers the protocols and calls run().
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options/errors.hpp>

#include "cli.hpp"
#include "leasesim/cli/run.hpp"

namespace {

constexpr const char* kUsage =
    "usage: leasesim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       simulate one scenario and print a report\n"
    "  check PATH...      run scenarios and compare each with its expect block (for CI)\n"
    "  validate PATH...   load and validate scenarios without running them\n"
    "  schema             print the JSON Schema of scenario files\n"
    "  explore SCENARIO   run many seeds with random faults; report failing seeds\n"
    "  merge FILE...      combine the results of explore or sweep shards\n"
    "  shrink FAILING     reduce a failing scenario to a small reproducer\n"
    "  sweep SCENARIO     run a grid of parameter values over many seeds; rates per cell\n"
    "  results FILE       an explore or sweep results file as a summary, or as CSV (--csv)\n"
    "\n"
    "  leasesim <command> --help   options of a command\n"
    "  leasesim --version          version\n"
    "\n"
    "exit codes: 0 ok, 1 violation or unmet expectation, 2 bad input or usage\n";

}  // namespace

static int dispatch(int argc, char** argv) {
  using namespace leasesim::cli;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitBadInput;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::printf("leasesim %s\n", LEASESIM_VERSION);
    return kExitOk;
  }
  try {
    if (command == "run") return cmd_run(args);
    if (command == "check") return cmd_check(args);
    if (command == "validate") return cmd_validate(args);
    if (command == "schema") return cmd_schema(args);
    if (command == "explore") return cmd_explore(args);
    if (command == "merge") return cmd_merge(args);
    if (command == "shrink") return cmd_shrink(args);
    if (command == "sweep") return cmd_sweep(args);
    if (command == "results") return cmd_results(args);
    std::fprintf(stderr, "leasesim: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "leasesim %s: %s\n(see leasesim %s --help)\n", command.c_str(),
                 e.message.c_str(), command.c_str());
    return kExitBadInput;
  } catch (const boost::program_options::error& e) {
    std::fprintf(stderr, "leasesim %s: %s\n(see leasesim %s --help)\n", command.c_str(), e.what(),
                 command.c_str());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "leasesim %s: out of memory\n", command.c_str());
    return kExitBadInput;
  }
}

// Output that cannot be written (a full disk or a closed descriptor behind
// stdout) is an error, not a silent loss with exit code 0.
int leasesim::cli::run(int argc, char** argv) {
  const int rc = dispatch(argc, argv);
  // errno is not reset: when an earlier write failed, it still holds why.
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || !std::cout) {
    std::fprintf(stderr, "leasesim: cannot write the output: %s\n",
                 std::strerror(errno != 0 ? errno : EIO));
    return leasesim::cli::kExitBadInput;
  }
  return rc;
}
