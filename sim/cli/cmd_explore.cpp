// leasesim explore SCENARIO --seeds A..B: many seeds, each with its own
// random faults (swarm testing): a campaign with no parameters
// (campaign/campaign.hpp).
#include <boost/program_options.hpp>

#include "campaign_cli.hpp"
#include "cli.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_explore(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim explore SCENARIO --seeds A..B [options]\n\n"
      "Runs SCENARIO once per seed, each seed with its own random faults drawn within the\n"
      "scenario's `explore` block (default limits without one; docs/exploration.md), on all\n"
      "cores. Prints every failing seed with the commands that reproduce it. Exit 1 if any\n"
      "seed violated safety, 2 on bad input, 130 if interrupted (results so far are kept;\n"
      "--resume continues).\n\noptions");
  CampaignArgs a;
  opts.add_options()("help,h", "show this help");
  add_campaign_options(&opts, &a, "seeds to run: A..B (inclusive) or N (1..N); required");
  opts.add_options()("stop-on-first", "stop at the first failing seed (in seed order)");
  std::string scenario_path;
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(&scenario_path));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "scenario", 1, &vm)) return kExitOk;
  if (scenario_path.empty()) throw UsageError{"missing SCENARIO (a scenario JSON file)"};
  if (a.seeds.empty()) throw UsageError{"missing --seeds (A..B or N)"};
  CampaignConfig config;
  config.command = "explore";
  config.scenario_path = scenario_path;
  config.stop_on_first = vm.count("stop-on-first") > 0;
  campaign_config(vm, a, &config);
  return run_campaign(config, vm, a, /*markdown=*/false);
}

}  // namespace leasesim::cli
