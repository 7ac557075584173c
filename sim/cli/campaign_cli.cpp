#include "campaign_cli.hpp"

#include <charconv>
#include <cstdio>
#include <iostream>

#include "batch_support.hpp"
#include "cli.hpp"
#include "output_paths.hpp"
#include "progress.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

constexpr uint64_t kMaxJobs = 1024;

}  // namespace

void add_campaign_options(po::options_description* opts, CampaignArgs* a, const char* seeds_help) {
  opts->add_options()("help,h", "show this help")(
      "seeds", po::value<std::string>(&a->seeds)->value_name("A..B"), seeds_help)(
      "jobs,j", po::value<std::string>(&a->jobs)->value_name("N"),
      "parallel runs, 1 or more (default: one per core); never changes the results")(
      "shard", po::value<std::string>(&a->shard)->value_name("K/N"),
      "run only shard K of N (job i is in shard i%N+1); `leasesim merge` combines the shards")(
      "out,o", po::value<std::string>(&a->out)->value_name("FILE"),
      "write the results (JSON Lines: plan, one line per run and per cell, summary) to FILE")(
      "resume", "continue the interrupted run whose results are in --out")(
      "save", po::value<std::string>(&a->save)->value_name("WHICH"),
      "which runs to save as scenarios `leasesim run` replays: failures (default), all or none")(
      "save-dir", po::value<std::string>(&a->save_dir)->value_name("DIR"),
      "where saved runs go (default with --out FILE.jsonl: FILE.failures/, or FILE.runs/ with "
      "--save all)")("save-failures", po::value<std::string>(&a->save_failures)->value_name("DIR"),
                     "save failing runs in DIR (--save failures --save-dir DIR)")(
      "max-saved", po::value<std::string>(&a->max_saved)->value_name("N"),
      "save at most N runs (default 100 failures; no limit with --save all)")(
      "max-events", po::value<std::string>(&a->max_events)->value_name("N"),
      "stop each run after N engine events (verdict \"incomplete\")")(
      "timeout", po::value<std::string>(&a->timeout)->value_name("T"),
      "stop each run after T of wall-clock time, e.g. 30s (verdict \"incomplete\")")(
      "no-random-faults",
      "add no random faults: run only the scenario's scripted faults (by default each seed adds "
      "random faults within the explore block's limits, or the default limits without one)")(
      "progress", po::value<std::string>(&a->progress)->value_name("MODE"),
      "auto (a bar on a terminal, else a line every 10s), bar, lines or none")(
      "quiet,q", "no progress, no per-run messages and no tables; only the summary");
}

bool parse_campaign_command(const std::vector<std::string>& args,
                            const po::options_description& opts, const CampaignArgs& a,
                            CampaignConfig* c, po::variables_map* vm_out, bool several) {
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::vector<std::string>>(&c->scenario_paths));
  po::variables_map& vm = *vm_out;
  if (parse_command_line(args, opts, hidden, "scenario", several ? -1 : 1, &vm)) return false;
  if (c->scenario_paths.empty()) throw UsageError{"missing SCENARIO (a scenario JSON file)"};
  if (a.seeds.empty()) throw UsageError{"missing --seeds (A..B or N)"};
  std::string error;
  if (!parse_seed_range(a.seeds, &c->first_seed, &c->last_seed, &error))
    throw UsageError{"--seeds: " + error};
  if (!a.shard.empty() && !parse_shard(a.shard, &c->shard, &c->shards, &error))
    throw UsageError{"--shard: " + error};
  if (vm.count("jobs")) {
    const uint64_t jobs = parse_count_arg("jobs", a.jobs, 1);
    if (jobs > kMaxJobs)
      throw UsageError{"--jobs: at most " + std::to_string(kMaxJobs) + ", found " + a.jobs};
    c->jobs = static_cast<unsigned>(jobs);
  }
  c->out_path = a.out;
  if (const std::string in = input_overwritten_by(c->out_path, c->scenario_paths); !in.empty())
    throw UsageError{overwrites_input_message("--out", c->out_path, in)};
  c->resume = vm.count("resume") > 0;
  if (c->resume && c->out_path.empty())
    throw UsageError{"--resume needs --out FILE (the results to continue)"};
  if (vm.count("max-events")) c->max_events = parse_count_arg("max-events", a.max_events, 1);
  if (!a.timeout.empty()) {
    const Duration t = parse_duration_arg("timeout", a.timeout);
    if (t <= Duration::zero()) throw UsageError{"--timeout: expected a positive duration"};
    c->timeout = t;
  }
  c->random_faults = vm.count("no-random-faults") == 0;

  // What is saved, and where.
  if (a.save == "failures")
    c->save = SaveWhich::kFailures;
  else if (a.save == "all")
    c->save = SaveWhich::kAll;
  else if (a.save == "none")
    c->save = SaveWhich::kNone;
  else
    throw UsageError{"--save: expected failures, all or none, found \"" + a.save + "\""};
  c->save_dir = a.save_dir;
  if (c->save == SaveWhich::kNone && !a.save_dir.empty())
    throw UsageError{"--save-dir: nothing is saved with --save none; give one or the other"};
  if (!a.save_failures.empty()) {
    if (c->save != SaveWhich::kFailures || !a.save_dir.empty())
      throw UsageError{
          "--save-failures DIR is --save failures --save-dir DIR; give one or the other"};
    c->save_dir = a.save_failures;
  }
  if (c->save_dir.empty() && !c->out_path.empty())
    c->save_dir = default_save_dir(c->out_path, c->save);
  if (c->save == SaveWhich::kAll && c->save_dir.empty())
    throw UsageError{"--save all needs --save-dir DIR (or --out FILE)"};
  if (c->save == SaveWhich::kNone) c->save_dir.clear();
  // The folder is made at the first save; find now, not after the runs,
  // that it cannot be (a file in the way, no write permission).
  if (std::string why; !c->save_dir.empty() && !folder_can_be_made(c->save_dir, &why))
    throw UsageError{"cannot save runs into \"" + c->save_dir + "\": " + why};
  c->max_saved = c->save == SaveWhich::kAll ? UINT64_MAX : kDefaultMaxSaved;
  if (vm.count("max-saved")) c->max_saved = parse_count_arg("max-saved", a.max_saved, 0);
  return true;
}

int run_campaign(const CampaignConfig& config, const po::variables_map& vm,
                 const CampaignArgs& args, bool markdown) {
  const bool quiet = vm.count("quiet") > 0;
  bool mode_ok = true;
  Progress::Mode mode = Progress::parse_mode(args.progress, &mode_ok);
  if (!mode_ok)
    throw UsageError{"--progress: expected auto, bar, lines or none, found \"" + args.progress +
                     "\""};
  if (quiet) mode = Progress::Mode::kNone;

  Campaign campaign(config);
  std::vector<std::string> warnings, errors;
  const bool prepared = campaign.prepare(&warnings, &errors);
  for (const std::string& w : warnings) std::fprintf(stderr, "%s\n", w.c_str());
  for (const std::string& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
  if (!prepared) return kExitBadInput;

  Progress progress(config.params.empty() && config.scenario_paths.size() == 1 ? "seeds" : "runs",
                    campaign.total(), mode);
  CampaignHooks hooks;
  hooks.progress = [&](uint64_t done, uint64_t violations) { progress.update(done, violations); };
  if (!quiet) hooks.message = [&](const std::string& line) { progress.message(line); };
  // A lost save is shown even with --quiet: the exit code will say 2.
  hooks.save_error = [&](const std::string& line) { progress.message(line); };
  std::string error;
  bool ok;
  {
    StopSignals signals(&campaign.runner());
    ok = campaign.run(hooks, &error);
  }
  progress.finish(campaign.done(), campaign.summary().violations());
  if (!ok) {
    std::fprintf(stderr, "leasesim %s: %s\n", config.command.c_str(), error.c_str());
    return kExitBadInput;
  }
  std::cout << campaign.report(!quiet, markdown) << std::flush;
  if (campaign.unsaved() > 0) {
    // An output that could not be written is exit 2, whatever else the
    // runs found; the results file still names every run.
    std::fprintf(stderr,
                 "leasesim %s: %llu run(s) could not be saved into %s (above); the results and "
                 "the reproduce commands still replay them\n",
                 config.command.c_str(), static_cast<unsigned long long>(campaign.unsaved()),
                 config.save_dir.c_str());
    return kExitBadInput;
  }
  if (campaign.interrupted()) return kExitInterrupted;
  // A sweep reports rates: its violations are data, not a failure.
  return config.command == "explore" && campaign.summary().violations() > 0 ? kExitFailed : kExitOk;
}

}  // namespace leasesim::cli
