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
#include "leasesim/core/version.hpp"

namespace {

using leasesim::cli::UsageError;

struct Command {
  const char* name;
  const char* synopsis;  // "run SCENARIO"
  const char* summary;
  int (*fn)(const std::vector<std::string>&);
};

const Command kCommands[] = {
    {"run", "run SCENARIO", "simulate one scenario and print a report", leasesim::cli::cmd_run},
    {"check", "check PATH...",
     "run scenarios and compare each with its expect block (for CI; --junit)",
     leasesim::cli::cmd_check},
    {"validate", "validate PATH...", "load and validate scenarios without running them",
     leasesim::cli::cmd_validate},
    {"schema", "schema", "print the JSON Schema of scenario files", leasesim::cli::cmd_schema},
    {"presets", "presets [PRESET]", "list presets and the value of every knob in them",
     leasesim::cli::cmd_presets},
    {"explore", "explore SCENARIO", "run many seeds with random faults; report failing seeds",
     leasesim::cli::cmd_explore},
    {"merge", "merge FILE...", "combine the results of explore or sweep shards",
     leasesim::cli::cmd_merge},
    {"shrink", "shrink FAILING", "reduce a failing scenario to a small reproducer",
     leasesim::cli::cmd_shrink},
    {"sweep", "sweep SCENARIO", "run a grid of parameter values over many seeds; rates per cell",
     leasesim::cli::cmd_sweep},
    {"results", "results FILE", "an explore or sweep results file as a summary, or as CSV (--csv)",
     leasesim::cli::cmd_results},
};

std::string usage() {
  std::string s =
      "usage: leasesim <command> [options]\n"
      "\n"
      "commands:\n";
  for (const Command& c : kCommands) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-19s%s\n", c.synopsis, c.summary);
    s += line;
  }
  s += "\n"
       "  leasesim help <command>     options of a command (or: leasesim <command> --help)\n"
       "  leasesim --version          version\n"
       "\n"
       "exit codes: 0 ok, 1 violation or unmet expectation, 2 bad input or usage,\n"
       "130 interrupted (explore, sweep, check: what finished is written; run: nothing)\n"
       "docs: docs/cli.md\n";
  return s;
}

const Command* find_command(const std::string& name) {
  for (const Command& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

std::string unknown_command(const std::string& name) {
  std::vector<std::string> names;
  for (const Command& c : kCommands) names.push_back(c.name);
  return "leasesim: unknown command \"" + name + "\"" + leasesim::cli::did_you_mean(name, names) +
         "\n";
}

}  // namespace

static int dispatch(int argc, char** argv) {
  using namespace leasesim::cli;
  if (argc < 2) {
    std::fputs(usage().c_str(), stderr);
    return kExitBadInput;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    if (command != "help" || args.empty()) {
      std::fputs(usage().c_str(), stdout);
      return kExitOk;
    }
    // `leasesim help run` is `leasesim run --help`.
    if (args.size() > 1) {
      std::fprintf(stderr, "leasesim help: one command at a time (found %zu)\n", args.size());
      return kExitBadInput;
    }
    if (args[0] == "help") {
      std::fputs(usage().c_str(), stdout);
      return kExitOk;
    }
    if (!find_command(args[0])) {
      std::fputs(unknown_command(args[0]).c_str(), stderr);
      std::fputs("(see leasesim --help)\n", stderr);
      return kExitBadInput;
    }
    command = args[0];
    args = {"--help"};
  }
  if (command == "--version" || command == "version") {
    if (!args.empty()) {
      std::fprintf(stderr, "leasesim: %s takes no arguments, found \"%s\"\n(see leasesim --help)\n",
                   command.c_str(), args[0].c_str());
      return kExitBadInput;
    }
    std::printf("leasesim %s (git %s)\n", leasesim::leasesim_version(),
                leasesim::leasesim_build_id());
    return kExitOk;
  }
  const Command* cmd = find_command(command);
  if (cmd == nullptr) {
    std::fputs(unknown_command(command).c_str(), stderr);
    std::fputs(("\n" + usage()).c_str(), stderr);
    return kExitBadInput;
  }
  try {
    return cmd->fn(args);
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
