// What `leasesim explore` and `leasesim sweep` share on the command line:
// their common options (with typed placeholders), turning them into a
// CampaignConfig, and running the campaign driver with progress on stderr
// and Ctrl-C handling. The commands add their own options and call these.
#pragma once

#include <string>

#include <boost/program_options.hpp>

#include "leasesim/campaign/campaign.hpp"

namespace leasesim::cli {

// The raw text of the shared options (validated by campaign_config).
struct CampaignArgs {
  std::string seeds, jobs, shard, out, save = "failures", save_dir, save_failures, max_saved,
                                       max_events, timeout, progress = "auto";
};

// Adds --help, --seeds, --jobs, --shard, --out, --resume, --save, --save-dir,
// --save-failures, --max-saved, --max-events, --timeout, --no-random-faults,
// --progress and --quiet. `seeds_help` says what --seeds means for the
// command (and its default).
void add_campaign_options(boost::program_options::options_description* opts, CampaignArgs* args,
                          const char* seeds_help);

// Parses a campaign command's arguments (`opts`: the shared options and
// the command's own; one positional SCENARIO) and fills *config from the
// shared ones (the command and its parameters are the caller's). Returns
// false after printing --help. Throws UsageError on a bad value.
bool parse_campaign_command(const std::vector<std::string>& args,
                            const boost::program_options::options_description& opts,
                            const CampaignArgs& a, CampaignConfig* config,
                            boost::program_options::variables_map* vm);

// Runs the campaign and prints what it found; the exit code: 0, 1 (explore
// only: a violation), 2 (bad input, unwritable results), 130 (interrupted).
int run_campaign(const CampaignConfig& config, const boost::program_options::variables_map& vm,
                 const CampaignArgs& args, bool markdown);

}  // namespace leasesim::cli
