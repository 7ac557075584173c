// leasesim check PATH...: the CI entry point. Runs every selected scenario
// (over --seeds, if given) and compares each run with the scenario's expect
// block; prints an aligned line per run and, with --junit, writes a JUnit
// XML report CI systems read (junit.hpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <boost/program_options.hpp>

#include "batch_support.hpp"
#include "check_select.hpp"
#include "cli.hpp"
#include "junit.hpp"
#include "leasesim/campaign/batch.hpp"
#include "leasesim/campaign/expectation.hpp"
#include "leasesim/campaign/plan.hpp"
#include "leasesim/campaign/text.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/version.hpp"
#include "leasesim/report/run_summary.hpp"
#include "leasesim/report/verdict.hpp"
#include "leasesim/world/world.hpp"
#include "output_paths.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

constexpr uint64_t kMaxJobs = 1024;
constexpr uint64_t kMaxSeeds = 1'000'000;  // per scenario: a typo guard, not a real limit
constexpr size_t kViolationsInJunit = 10;  // told one by one in a failure's text

struct CheckConfig {
  bool seeds_given = false;
  uint64_t first_seed = 0, last_seed = 0;
  std::string seeds_text;
  RunOptions run;
  std::string timeout_text, max_events_text;
  unsigned jobs = 1;
  bool quiet = false;
};

// One scenario x seed to run.
struct Job {
  size_t file;  // index into the selection
  uint64_t seed;
};

std::string expect_summary(const Expectation& e) {
  std::string s;
  switch (e.safety) {
    case Expectation::Safety::kUnspecified:
    case Expectation::Safety::kHolds:
      s = "holds";
      break;
    case Expectation::Safety::kViolation:
      s = "violation";
      if (!e.violation_kinds.empty()) s += " (" + join(e.violation_kinds, ", ") + ")";
      break;
  }
  char buf[64];
  if (e.min_availability) {
    std::snprintf(buf, sizeof buf, ", availability >= %.4g", *e.min_availability);
    s += buf;
  }
  if (e.min_grants) s += ", grants >= " + std::to_string(*e.min_grants);
  if (e.min_elections) s += ", elections >= " + std::to_string(*e.min_elections);
  if (e.max_elections) s += ", elections <= " + std::to_string(*e.max_elections);
  return s;
}

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string skipped_line(const SkippedFolder& f) {
  return "skipped " + f.folder + ": " + std::to_string(f.files.size()) +
         (f.files.size() == 1 ? " file" : " files") + ", name it to run them";
}

// Why a run cut short is a failure, naming the option that cut it.
std::string incomplete_message(const RunResult& r, const Scenario& sc, const CheckConfig& c) {
  if (r.reason == EndReason::kPendingLimit)
    return "incomplete: stopped at " + format_time(r.end) +
           " of virtual time (the scenario runs to " +
           format_time(TimePoint::origin() + sc.duration) + ") with " + pending_limit_text();
  const std::string by = r.reason == EndReason::kEventBudget ? "--max-events " + c.max_events_text
                                                             : "--timeout " + c.timeout_text;
  return "incomplete: stopped by " + by + " at " + format_time(r.end) + " of virtual time (the " +
         "scenario runs to " + format_time(TimePoint::origin() + sc.duration) +
         "); a run cut short proves nothing, raise the limit";
}

// The run's unmet expectations, with an incomplete run said in check's words.
std::vector<std::string> failures_of(const RunResult& r, const Scenario& sc, const CheckConfig& c) {
  std::vector<std::string> unmet = unmet_expectations(sc.expect, r);
  const bool cut = cut_short(r.reason);
  if (cut) {
    std::erase_if(unmet,
                  [](const std::string& u) { return u.rfind("run did not complete", 0) == 0; });
    unmet.insert(unmet.begin(), incomplete_message(r, sc, c));
  }
  return unmet;
}

// The run check made: the same seed and every option that shaped it (a
// run cut by --max-events or --timeout replays only with the same limit).
std::string replay_command(const std::string& file, uint64_t seed, const CheckConfig& c) {
  std::string cmd = "leasesim run " + shell_quote(file) + " --seed " + std::to_string(seed);
  if (c.run.max_events != UINT64_MAX) cmd += " --max-events " + std::to_string(c.run.max_events);
  if (c.run.max_wall_seconds > 0) cmd += " --timeout " + shell_quote(c.timeout_text);
  return cmd;
}

// The failure text of a JUnit case: what was unmet, the violations, how to
// replay.
std::string failure_text(const std::vector<std::string>& unmet, const RunResult& r,
                         const std::string& file, const CheckConfig& c) {
  std::string t;
  for (const std::string& u : unmet) t += u + "\n";
  if (!r.violations.empty()) t += "\n" + violation_lines(r, kViolationsInJunit);
  t += "\nreplay: " + replay_command(file, r.seed, c) + "\ntrace hash " +
       format_hash(r.trace_hash) + "\n";
  return t;
}

std::string seeds_label(const CheckConfig& c) {
  return c.first_seed == c.last_seed
             ? std::to_string(c.first_seed)
             : std::to_string(c.first_seed) + ".." + std::to_string(c.last_seed);
}

int list_selection(const CheckSelection& sel, const CheckConfig& c) {
  size_t width = 0, bad = 0, runs = 0;
  for (const CheckFile& f : sel.files) width = std::max(width, f.path.size());
  for (const CheckFile& f : sel.files) {
    if (!f.scenario) {
      ++bad;
      std::printf("INVALID %s  (could not be loaded, see above)\n", f.path.c_str());
      continue;
    }
    const std::string seeds = c.seeds_given ? seeds_label(c) : std::to_string(f.scenario->seed);
    runs += c.seeds_given ? c.last_seed - c.first_seed + 1 : 1;
    std::printf("%s  %s  seed%s %s  expects %s\n", pad(f.path, width).c_str(),
                f.scenario->name.c_str(), c.seeds_given && c.first_seed != c.last_seed ? "s" : "",
                seeds.c_str(), expect_summary(f.scenario->expect).c_str());
  }
  for (const SkippedFolder& s : sel.skipped) std::printf("%s\n", skipped_line(s).c_str());
  std::printf("%zu scenario(s), %zu run(s)%s\n", sel.files.size() - bad, runs,
              bad ? (", " + std::to_string(bad) + " invalid").c_str() : "");
  return bad ? kExitBadInput : kExitOk;
}

}  // namespace

int cmd_check(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim check PATH... [options]\n\n"
      "Runs each scenario (files, or folders searched recursively for *.json) and\n"
      "compares the run with the scenario's expect block; a scenario without one\n"
      "expects safety to hold. Prints one line per run and a total; --junit writes a\n"
      "JUnit XML report for CI. Folder searches skip subfolders named bench\n"
      "(benchmark workloads) and say so; name them to run them.\n"
      "Exit 1 if any run failed (unmet expectation, or cut short by --timeout or\n"
      "--max-events), 2 if any scenario could not be loaded or nothing was selected.\n\n"
      "options");
  std::vector<std::string> paths, patterns;
  std::string junit_path, jobs_text;
  CheckConfig c;
  opts.add_options()("help,h", "show this help")(
      "junit", po::value<std::string>(&junit_path)->value_name("FILE"),
      "write a JUnit XML report to FILE (one testcase per scenario and seed)")(
      "seeds", po::value<std::string>(&c.seeds_text)->value_name("A..B"),
      "run every scenario with seeds A..B (or N: 1..N) instead of its own seed; its expect "
      "block applies to each run")(
      ",k", po::value<std::vector<std::string>>(&patterns)->value_name("PATTERN"),
      "only scenarios whose path or name contains PATTERN, or matches it as a glob (*, ?, "
      "[...]; against the path, a tail of it after a /, or the name); repeatable: any matches")(
      "list", "print what would run (files, names, seeds, expectations) without running it")(
      "timeout", po::value<std::string>(&c.timeout_text)->value_name("T"),
      "stop each run after T of wall-clock time, e.g. 30s (a run cut short fails)")(
      "max-events", po::value<std::string>(&c.max_events_text)->value_name("N"),
      "stop each run after N engine events (a run cut short fails)")(
      "jobs,j", po::value<std::string>(&jobs_text)->value_name("N"),
      "run N scenarios at a time (default 1); the output is in the same order whatever N")(
      "quiet,q", "print failures, errors and the total only");
  po::options_description hidden;
  hidden.add_options()("path", po::value<std::vector<std::string>>(&paths));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "path", -1, &vm)) return kExitOk;
  if (paths.empty()) throw UsageError{"missing PATH (scenario files or folders)"};
  c.quiet = vm.count("quiet") > 0;
  if (vm.count("seeds")) {
    std::string error;
    if (!parse_seed_range(c.seeds_text, &c.first_seed, &c.last_seed, &error))
      throw UsageError{"--seeds: " + error};
    if (c.last_seed - c.first_seed >= kMaxSeeds)
      throw UsageError{"--seeds: at most " + std::to_string(kMaxSeeds) +
                       " seeds per scenario, found " + c.seeds_text};
    c.seeds_given = true;
  }
  if (vm.count("jobs")) {
    const uint64_t jobs = parse_count_arg("jobs", jobs_text, 1);
    if (jobs > kMaxJobs)
      throw UsageError{"--jobs: at most " + std::to_string(kMaxJobs) + ", found " + jobs_text};
    c.jobs = static_cast<unsigned>(jobs);
  }
  if (vm.count("max-events"))
    c.run.max_events = parse_count_arg("max-events", c.max_events_text, 1);
  if (vm.count("timeout")) {
    const Duration t = parse_duration_arg("timeout", c.timeout_text);
    if (t <= Duration::zero()) throw UsageError{"--timeout: expected a positive duration"};
    c.run.max_wall_seconds = static_cast<double>(t.ns()) / 1e9;
  }
  for (const std::string& k : patterns)
    if (k.empty()) throw UsageError{"-k: expected a pattern, found an empty one"};
  const bool list = vm.count("list") > 0;
  if (list && !junit_path.empty()) throw UsageError{"--list runs nothing; --junit needs a run"};

  const CheckSelection sel = select_check_files(paths, patterns);
  // Loader output for what was selected: errors and warnings, with the file.
  for (const CheckFile& f : sel.files) {
    for (const Diagnostic& d : f.warnings)
      std::fprintf(stderr, "warning: %s\n", d.format().c_str());
    for (const Diagnostic& d : f.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
  }
  if (sel.files.empty()) {
    std::string why;
    if (sel.found > 0)
      why = "no scenario matches -k " + join(patterns, " or -k ") + " (" +
            std::to_string(sel.found) + " found under " + join(paths, ", ") + ")";
    else
      why = "no scenario files (*.json) under " + join(paths, ", ");
    for (const SkippedFolder& s : sel.skipped) why += "; " + skipped_line(s);
    std::fprintf(stderr, "leasesim check: nothing to run: %s\n", why.c_str());
    return kExitBadInput;
  }
  if (list) return list_selection(sel, c);

  // The JUnit file is opened first, so an unwritable path is found before
  // the runs, and written whole at the end.
  AtomicFile junit;
  if (!junit_path.empty()) {
    std::vector<std::string> inputs;
    for (const CheckFile& f : sel.files) inputs.push_back(f.path);
    for (const SkippedFolder& s : sel.skipped)
      inputs.insert(inputs.end(), s.files.begin(), s.files.end());
    if (const std::string in = input_overwritten_by(junit_path, inputs); !in.empty()) {
      std::fprintf(stderr, "leasesim check: %s\n",
                   overwrites_input_message("--junit", junit_path, in).c_str());
      return kExitBadInput;
    }
    std::string error;
    if (!junit.open(junit_path, &error)) {
      std::fprintf(stderr, "leasesim check: --junit: %s\n", error.c_str());
      return kExitBadInput;
    }
  }

  std::vector<Job> jobs;
  size_t width = 0;
  for (size_t i = 0; i < sel.files.size(); ++i) {
    width = std::max(width, sel.files[i].path.size());
    if (!sel.files[i].scenario) continue;
    if (c.seeds_given) {
      for (uint64_t s = c.first_seed;; ++s) {
        jobs.push_back(Job{i, s});
        if (s == c.last_seed) break;
      }
    } else {
      jobs.push_back(Job{i, sel.files[i].scenario->seed});
    }
  }
  uint64_t max_seed = 0;
  for (const Job& j : jobs) max_seed = std::max(max_seed, j.seed);
  const size_t seed_width = std::to_string(max_seed).size();

  std::vector<JunitCase> cases;
  size_t passed = 0, failed = 0, bad = 0, next_file = 0;
  double total_seconds = 0.0;
  // Files that could not be loaded, printed in file order among the runs.
  auto report_invalid_before = [&](size_t file) {
    for (; next_file < file; ++next_file) {
      const CheckFile& f = sel.files[next_file];
      if (f.scenario) continue;
      ++bad;
      std::printf("ERROR %s  could not be loaded (see the errors above)\n",
                  pad(f.path, width).c_str());
      JunitCase jc;
      jc.classname = junit_classname(f.path);
      jc.name = std::filesystem::path(f.path).stem().string();
      jc.file = f.path;
      jc.outcome = JunitCase::Outcome::kError;
      jc.type = "invalid_scenario";
      jc.message = f.errors.empty() ? "could not be loaded" : f.errors[0].format();
      for (const Diagnostic& d : f.errors) jc.text += d.format() + "\n";
      cases.push_back(std::move(jc));
    }
  };
  auto on_result = [&](size_t i, RunResult&& r) {
    const Job& job = jobs[i];
    const CheckFile& f = sel.files[job.file];
    report_invalid_before(job.file);
    if (next_file == job.file) ++next_file;
    const std::vector<std::string> unmet = failures_of(r, *f.scenario, c);
    total_seconds += r.wall_seconds;
    const bool ok = unmet.empty();
    (ok ? passed : failed) += 1;
    if (!ok || !c.quiet) {
      std::printf("%-5s %s  seed %-*llu %7.2fs  %-10s  %s\n", ok ? "PASS" : "FAIL",
                  pad(f.path, width).c_str(), static_cast<int>(seed_width),
                  static_cast<unsigned long long>(job.seed), r.wall_seconds,
                  to_string(verdict_of(r)), format_hash(r.trace_hash).c_str());
      for (const std::string& u : unmet) std::printf("        %s\n", u.c_str());
      if (!ok) std::printf("        replay: %s\n", replay_command(f.path, job.seed, c).c_str());
      std::fflush(stdout);
    }
    JunitCase jc;
    jc.classname = junit_classname(f.path);
    jc.name =
        std::filesystem::path(f.path).stem().string() + " (seed " + std::to_string(job.seed) + ")";
    jc.file = f.path;
    jc.seconds = r.wall_seconds;
    jc.out = run_summary_line(r);
    if (!ok) {
      jc.outcome = JunitCase::Outcome::kFailed;
      const bool cut = cut_short(r.reason);
      jc.type = cut ? "incomplete" : "unmet_expectation";
      jc.message = unmet[0];
      jc.text = failure_text(unmet, r, f.path, c);
    }
    cases.push_back(std::move(jc));
    return true;
  };
  BatchRunner runner(c.jobs);
  // Each run stands alone: after a stop, what finished is reported even
  // past a run that was abandoned.
  runner.set_finished_past_a_stop(true);
  size_t ran = 0;
  {
    // SIGINT/SIGTERM (a CI step's time limit) abandons the runs in progress
    // (no verdict) and stops; what finished is still reported, in the JUnit
    // file too.
    StopSignals signals(&runner);
    ran = runner.run(
        jobs.size(),
        [&](size_t i) {
          Scenario sc = *sel.files[jobs[i].file].scenario;
          sc.seed = jobs[i].seed;
          return sc;
        },
        c.run, on_result);
  }
  const bool interrupted = runner.stop_requested() && ran < jobs.size();
  report_invalid_before(interrupted ? next_file : sel.files.size());
  if (interrupted) {
    const std::string what = "the check was interrupted after " + std::to_string(ran) + " of " +
                             std::to_string(jobs.size()) +
                             " run(s); the runs not done have no verdict";
    std::printf("interrupted after %zu of %zu run(s)\n", ran, jobs.size());
    JunitCase jc;
    jc.classname = "leasesim.check";
    jc.name = "interrupted";
    jc.outcome = JunitCase::Outcome::kError;
    jc.type = "interrupted";
    jc.message = what;
    jc.text = what + "\n";
    cases.push_back(std::move(jc));
  }

  for (const SkippedFolder& s : sel.skipped) {
    std::printf("%s\n", skipped_line(s).c_str());
    for (const std::string& file : s.files) {
      JunitCase jc;
      jc.classname = junit_classname(file);
      jc.name = std::filesystem::path(file).stem().string();
      jc.file = file;
      jc.outcome = JunitCase::Outcome::kSkipped;
      jc.message = "a benchmark workload in " + s.folder +
                   ", skipped by a folder search; name the folder or file to run it";
      cases.push_back(std::move(jc));
    }
  }
  std::string total = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
  if (bad) total += ", " + std::to_string(bad) + " invalid";
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2fs", total_seconds);
  total += " (" + std::to_string(ran) + " run(s)";
  if (c.seeds_given) total += ": seeds " + seeds_label(c) + " of each scenario";
  total += ", " + std::string(secs) + ")";
  std::printf("%s\n", total.c_str());

  if (junit.is_open()) {
    std::vector<std::pair<std::string, std::string>> props = {
        {"leasesim.version", leasesim_version()}, {"command", "leasesim check " + join(args, " ")}};
    if (c.seeds_given) props.emplace_back("seeds", seeds_label(c));
    junit.write(junit_xml("leasesim check", cases, props));
    std::string error;
    if (!junit.commit(&error)) {
      std::fprintf(stderr, "leasesim check: --junit: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (!c.quiet) std::printf("wrote %s\n", junit_path.c_str());
  }
  if (interrupted) return kExitInterrupted;
  if (bad) return kExitBadInput;
  return failed ? kExitFailed : kExitOk;
}

}  // namespace leasesim::cli
