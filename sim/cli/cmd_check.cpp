// leasesim check PATH...: the CI entry point. Runs every scenario with an
// expect block and compares the outcome with it.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "cli.hpp"
#include "leasesim/campaign/expectation.hpp"
#include "leasesim/world/world.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

// Benchmark workloads (scenarios/bench/: minutes of simulated churn with up
// to 100,000 requestors) are not checks. A folder search skips every
// subfolder named "bench"; naming such a folder or file runs it.
std::vector<std::string> check_files(const std::vector<std::string>& paths, std::string* error) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    const std::vector<std::string> found = expand_paths({p}, error);
    if (!error->empty()) return {};
    std::error_code ec;
    const bool folder = fs::is_directory(p, ec);
    for (const std::string& f : found) {
      bool bench = false;
      if (folder) {
        for (const fs::path& part : fs::path(f).lexically_relative(p).parent_path())
          bench = bench || part == "bench";
      }
      if (!bench) out.push_back(f);
    }
  }
  return out;
}

}  // namespace

int cmd_check(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim check PATH... [options]\n\n"
      "Runs each scenario (files, or folders searched recursively for *.json) and\n"
      "compares the run with the scenario's expect block; a scenario without one\n"
      "expects safety to hold. Prints one line per scenario and a total. Folder\n"
      "searches skip subfolders named bench (benchmark workloads); name them to\n"
      "run them.\n"
      "Exit 1 if any scenario failed, 2 if any could not be loaded.\n\noptions");
  std::vector<std::string> paths;
  opts.add_options()("help,h", "show this help")("quiet,q", "print failures and the total only");
  po::options_description hidden;
  hidden.add_options()("path", po::value<std::vector<std::string>>(&paths));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "path", -1, &vm)) return kExitOk;
  if (paths.empty()) throw UsageError{"missing PATH (scenario files or folders)"};
  std::string error;
  const std::vector<std::string> files = check_files(paths, &error);
  if (!error.empty()) throw UsageError{error};
  const bool quiet = vm.count("quiet") > 0;

  size_t passed = 0, failed = 0, bad = 0;
  for (const std::string& file : files) {
    std::optional<Scenario> sc = load_or_report(file, false);
    if (!sc) {
      ++bad;
      std::printf("ERROR %s (could not be loaded, see above)\n", file.c_str());
      continue;
    }
    World world(*sc, RunOptions{});
    const RunResult r = world.run();
    const std::vector<std::string> unmet = unmet_expectations(sc->expect, r);
    const char* verdict = r.failures == 0 ? "holds" : "violation";
    if (unmet.empty()) {
      ++passed;
      if (!quiet)
        std::printf("PASS  %-56s %7.2fs  %s  %s\n", file.c_str(), r.wall_seconds, verdict,
                    format_hash(r.trace_hash).c_str());
    } else {
      ++failed;
      std::printf("FAIL  %-56s %7.2fs  %s  %s\n", file.c_str(), r.wall_seconds, verdict,
                  format_hash(r.trace_hash).c_str());
      for (const std::string& u : unmet) std::printf("        %s\n", u.c_str());
    }
    std::fflush(stdout);
  }
  if (bad)
    std::printf("%zu passed, %zu failed, %zu invalid\n", passed, failed, bad);
  else
    std::printf("%zu passed, %zu failed\n", passed, failed);
  if (bad) return kExitBadInput;
  return failed ? kExitFailed : kExitOk;
}

}  // namespace leasesim::cli
