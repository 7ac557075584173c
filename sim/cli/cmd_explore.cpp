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
  add_campaign_options(&opts, &a, "seeds to run: A..B (inclusive) or N (1..N); required");
  opts.add_options()("stop-on-first", "stop at the first failing seed (in seed order)");
  CampaignConfig config;
  po::variables_map vm;
  if (!parse_campaign_command(args, opts, a, &config, &vm)) return kExitOk;
  config.command = "explore";
  config.stop_on_first = vm.count("stop-on-first") > 0;
  return run_campaign(config, vm, a, /*markdown=*/false);
}

}  // namespace leasesim::cli
