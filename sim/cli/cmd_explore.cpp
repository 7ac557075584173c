// leasesim explore SCENARIO --seeds A..B: many seeds, each with its own
// random faults (swarm testing), in parallel; one JSON line per seed.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include <boost/program_options.hpp>

#include "batch_support.hpp"
#include "cli.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/trace.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/batch.hpp"
#include "leasesim/world/explore.hpp"
#include "leasesim/world/results.hpp"
#include "progress.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

std::string default_failures_dir(const std::string& out) {
  std::string base = out;
  const std::string ext = ".jsonl";
  if (base.size() > ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0) {
    base.resize(base.size() - ext.size());
  }
  return base + ".failures";
}

}  // namespace

int cmd_explore(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim explore SCENARIO --seeds A..B [options]\n\n"
      "Runs SCENARIO once per seed, each seed with its own random faults drawn within the\n"
      "scenario's `explore` block (docs/exploration.md), on all cores. Prints every failing\n"
      "seed with the command that reproduces it. Exit 1 if any seed violated safety,\n"
      "2 on bad input, 130 if interrupted (results so far are kept; --resume continues).\n\n"
      "options");
  std::string scenario_path, seeds_text, shard_text, out_path, failures_dir, timeout,
      progress_text = "auto";
  unsigned jobs = 0;
  uint64_t max_events = 0, max_saved = 100;
  opts.add_options()("help,h", "show this help")(
      "seeds", po::value<std::string>(&seeds_text),
      "seeds to run: A..B (inclusive) or N (1..N); required")(
      "jobs,j", po::value<unsigned>(&jobs), "parallel runs (default: one per core)")(
      "shard", po::value<std::string>(&shard_text),
      "run only shard K/N of the seeds (seed A+i is in shard i%N+1); `leasesim merge` "
      "combines the shards' results")("stop-on-first",
                                      "stop at the first failing seed (in seed order)")(
      "out,o", po::value<std::string>(&out_path),
      "write one JSON line per seed and a summary line to FILE")(
      "resume", "continue the interrupted run whose results are in --out")(
      "save-failures", po::value<std::string>(&failures_dir),
      "save each failing seed as DIR/seed-S.json, a scenario `leasesim run` replays "
      "(default with --out: FILE without .jsonl + .failures)")(
      "max-saved", po::value<uint64_t>(&max_saved), "save at most N failing seeds (default 100)")(
      "max-events", po::value<uint64_t>(&max_events),
      "stop each run after N engine events (verdict \"incomplete\")")(
      "timeout", po::value<std::string>(&timeout),
      "stop each run after this much wall-clock time (verdict \"incomplete\")")(
      "progress", po::value<std::string>(&progress_text),
      "auto (a bar on a terminal, else a line every 10s), bar, lines or none")(
      "quiet,q", "no progress and no per-seed messages; only the summary");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(&scenario_path));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "scenario", 1, &vm)) return kExitOk;
  if (scenario_path.empty()) throw UsageError{"missing SCENARIO (a scenario JSON file)"};
  if (seeds_text.empty()) throw UsageError{"missing --seeds (A..B or N)"};

  ResultsHeader header;
  std::string error;
  if (!parse_seed_range(seeds_text, &header.plan.first, &header.plan.last, &error))
    throw UsageError{"--seeds: " + error};
  if (!shard_text.empty() &&
      !parse_shard(shard_text, &header.plan.shard, &header.plan.shards, &error))
    throw UsageError{"--shard: " + error};
  const bool resume = vm.count("resume") > 0;
  if (resume && out_path.empty())
    throw UsageError{"--resume needs --out FILE (the results to continue)"};
  const bool quiet = vm.count("quiet") > 0;
  bool mode_ok = true;
  Progress::Mode mode = Progress::parse_mode(progress_text, &mode_ok);
  if (!mode_ok)
    throw UsageError{"--progress: expected auto, bar, lines or none, found \"" + progress_text +
                     "\""};
  if (quiet) mode = Progress::Mode::kNone;
  if (failures_dir.empty() && !out_path.empty()) failures_dir = default_failures_dir(out_path);

  RunOptions ro;
  header.stop_on_first = vm.count("stop-on-first") > 0;
  if (vm.count("max-events")) {
    ro.max_events = max_events;
    header.options["max_events"] = max_events;
  }
  if (!timeout.empty()) {
    const Duration t = parse_duration_arg("timeout", timeout);
    if (t <= Duration::zero()) throw UsageError{"--timeout: expected a positive duration"};
    ro.max_wall_seconds = static_cast<double>(t.ns()) / 1e9;
    header.options["timeout"] = format_duration(t);
  }

  std::optional<Scenario> base = load_or_report(scenario_path);
  if (!base) return kExitBadInput;
  header.scenario = base->name;
  header.digest = scenario_digest(scenario_to_json(*base).dump());
  const ExploreLayout layout = explore_layout(*base);

  // Where to start: 0, or after the seeds a previous run already wrote.
  SummaryBuilder summary;
  uint64_t start = 0;
  uint64_t keep_bytes = 0;
  bool new_file = true;
  if (resume && std::filesystem::exists(out_path)) {
    ResultsFile prev;
    if (!read_results(out_path, &prev, &error)) {
      std::fprintf(stderr, "leasesim explore: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (prev.header.format() != header.format()) {
      std::fprintf(stderr,
                   "leasesim explore: %s was written by a different run (scenario, seeds, shard "
                   "or options differ):\n  file: %s\n  now:  %s\n",
                   out_path.c_str(), prev.header.format().c_str(), header.format().c_str());
      return kExitBadInput;
    }
    for (const SeedRecord& r : prev.records) summary.add(r);
    start = prev.records.size();
    keep_bytes = prev.good_bytes;
    new_file = false;
    if (summary.status(header) == "stopped-on-first") start = header.plan.count();
  }

  ResultsWriter writer;
  if (!out_path.empty()) {
    if (!writer.open(out_path, keep_bytes, &error) ||
        (new_file && !writer.write_line(header.format(), &error))) {
      std::fprintf(stderr, "leasesim explore: %s\n", error.c_str());
      return kExitBadInput;
    }
  }

  const uint64_t total = header.plan.count();
  const uint64_t todo = total - start;
  BatchRunner runner(jobs);
  Progress progress("seeds", total, mode);
  const std::string scn_arg = shell_quote(scenario_path);
  std::string extra_args;
  if (vm.count("max-events")) extra_args += " --max-events " + std::to_string(max_events);
  if (!timeout.empty()) extra_args += " --timeout " + shell_quote(timeout);

  uint64_t saved = 0, reported = 0;
  constexpr uint64_t kReported = 10;
  bool write_failed = false;
  std::optional<std::string> first_repro;
  if (summary.first_violation()) {
    first_repro = "leasesim explore " + scn_arg + " --seeds " +
                  std::to_string(*summary.first_violation()) + ".." +
                  std::to_string(*summary.first_violation()) + extra_args;
  }

  auto on_result = [&](size_t i, RunResult&& r) -> bool {
    const uint64_t seed = header.plan.seed(start + i);
    // A failing seed's scenario is rebuilt here, on this thread, to save
    // it; for the others only the fault count is recomputed (cheap).
    std::optional<Scenario> replay;
    size_t added = 0;
    if (r.failures > 0) {
      replay = explore_replay_scenario(*base, layout, seed);
      added = replay->faults.size() - base->faults.size();
    } else {
      added = generate_faults(explore_spec(*base), layout, seed).size();
    }
    const SeedRecord rec = SeedRecord::from_run(seed, r, added);
    if (writer.is_open() && !write_failed && !writer.write_line(rec.format(), &error)) {
      write_failed = true;
      runner.request_stop();
    }
    summary.add(rec);
    if (rec.verdict == Verdict::kViolation) {
      std::string run_cmd;
      if (saved < max_saved && !failures_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(failures_dir, ec);
        const std::string file =
            (std::filesystem::path(failures_dir) / ("seed-" + std::to_string(seed) + ".json"))
                .string();
        std::string werr;
        if (!ec && write_file_atomically(file, scenario_to_json(*replay).dump(2) + "\n", &werr)) {
          ++saved;
          run_cmd = "leasesim run " + shell_quote(file) + extra_args;
        } else if (!quiet) {
          progress.message("leasesim explore: cannot save seed " + std::to_string(seed) + ": " +
                           (ec ? failures_dir + ": " + ec.message() : werr));
        }
      }
      const std::string explore_cmd = "leasesim explore " + scn_arg + " --seeds " +
                                      std::to_string(seed) + ".." + std::to_string(seed) +
                                      extra_args;
      if (!first_repro) first_repro = run_cmd.empty() ? explore_cmd : run_cmd;
      if (!quiet && reported < kReported) {
        ++reported;
        std::string kinds;
        for (const std::string& k : rec.violations) kinds += (kinds.empty() ? "" : ", ") + k;
        progress.message(
            "seed " + std::to_string(seed) + ": VIOLATION (" + kinds + "), trace " +
            format_hash(rec.trace_hash) + ", " + std::to_string(rec.faults) +
            " random fault(s)\n  reproduce: " +
            (run_cmd.empty() ? explore_cmd : run_cmd + "\n         or: " + explore_cmd));
        if (reported == kReported) progress.message("(further failing seeds are only counted)");
      }
      if (header.stop_on_first) return false;
    }
    progress.update(start + i + 1, summary.violations());
    return true;
  };

  uint64_t ran = 0;
  bool interrupted = false;
  {
    StopSignals signals(&runner);
    const std::function<Scenario(size_t)> make = [&](size_t i) {
      return explore_scenario(*base, layout, header.plan.seed(start + i));
    };
    if (todo > 0) ran = runner.run(todo, make, ro, on_result);
    interrupted = signals.fired();
  }
  const uint64_t done = start + ran;
  progress.finish(done, summary.violations());

  if (write_failed) {
    std::fprintf(stderr, "leasesim explore: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (writer.is_open()) {
    if (!writer.write_line(summary.format(header), &error) || !writer.close(&error)) {
      std::fprintf(stderr, "leasesim explore: %s\n", error.c_str());
      return kExitBadInput;
    }
  }

  // The human summary.
  const std::string status = summary.status(header);
  std::printf("explore %s: seeds %s%s: %llu run, %llu violation(s), %llu incomplete (%s)\n",
              base->name.c_str(), header.plan.seeds_text().c_str(),
              header.plan.shards > 1 ? (" shard " + header.plan.shard_text()).c_str() : "",
              static_cast<unsigned long long>(summary.runs()),
              static_cast<unsigned long long>(summary.violations()),
              static_cast<unsigned long long>(summary.incomplete()), status.c_str());
  const double secs = progress.elapsed_seconds();
  std::printf("  %llu seed(s) this session in %.2fs: %.0f seeds/s on %u job(s)\n",
              static_cast<unsigned long long>(ran), secs,
              secs > 0 ? static_cast<double>(ran) / secs : 0.0, runner.threads());
  if (summary.first_violation()) {
    std::printf("  first failing seed: %llu\n  reproduce: %s\n",
                static_cast<unsigned long long>(*summary.first_violation()),
                first_repro ? first_repro->c_str() : "");
  }
  if (summary.incomplete() > 0) {
    std::printf(
        "  %llu run(s) hit --max-events or --timeout before the end (verdict "
        "\"incomplete\"); they were not fully checked\n",
        static_cast<unsigned long long>(summary.incomplete()));
  }
  if (!out_path.empty()) std::printf("  results: %s\n", out_path.c_str());
  if (saved > 0)
    std::printf("  failing scenarios: %s/ (%llu saved)\n", failures_dir.c_str(),
                static_cast<unsigned long long>(saved));
  if (interrupted && status == "interrupted") {
    std::printf("interrupted after %llu of %llu seed(s); ", static_cast<unsigned long long>(done),
                static_cast<unsigned long long>(total));
    if (out_path.empty()) {
      std::printf("nothing was saved (no --out)\n");
    } else {
      std::string cmd = "leasesim explore " + scn_arg + " --seeds " + header.plan.seeds_text();
      if (header.plan.shards > 1) cmd += " --shard " + header.plan.shard_text();
      if (header.stop_on_first) cmd += " --stop-on-first";
      cmd += extra_args + " --out " + shell_quote(out_path) + " --resume";
      std::printf("resume with:\n  %s\n", cmd.c_str());
    }
    std::fflush(stdout);
    return 130;
  }
  return summary.violations() > 0 ? kExitFailed : kExitOk;
}

}  // namespace leasesim::cli
