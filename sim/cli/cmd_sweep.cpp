// leasesim sweep SCENARIO --param PATH=V1,V2 ... --seeds N: a grid of
// scenario variants, each run over the same seeds; violation rates with
// confidence intervals and liveness metrics per cell: a campaign with
// parameters (campaign/campaign.hpp).
#include <set>

#include <boost/program_options.hpp>

#include "campaign_cli.hpp"
#include "cli.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim sweep SCENARIO --param PATH=V1,V2,... [--param ...] [options]\n\n"
      "Runs every combination of the parameter values (a cell) over the same seeds\n"
      "and reports, per cell, the violation rate (also per violation kind) with a 95%\n"
      "confidence interval and liveness metrics. PATH is a dotted path into the scenario\n"
      "JSON (lease.ttl, core.servers, protocol.knobs.anchor, requestors.0.hold, ...);\n"
      "`protocol` is short for protocol.preset. Every seed adds its random faults, the\n"
      "same in every cell with the same nodes, within the explore block's limits (default\n"
      "limits without one; --no-random-faults for none). Violations are data: exit 0\n"
      "unless the input is bad (2) or the sweep was interrupted (130; --resume continues).\n"
      "\noptions");
  CampaignArgs a;
  a.seeds = "100";
  add_campaign_options(&opts, &a, "seeds of every cell: A..B or N (1..N); default 100");
  std::vector<std::string> param_args;
  std::string compare, table = "text";
  opts.add_options()(
      "param,p", po::value<std::vector<std::string>>(&param_args)->value_name("PATH=V1,V2,..."),
      "a parameter and its values (repeatable; values are JSON if valid, else strings)")(
      "compare", po::value<std::string>(&compare)->value_name("P1,P2,..."),
      "protocol presets side by side (same as --param protocol=P1,P2,...)")(
      "table", po::value<std::string>(&table)->value_name("FORMAT"),
      "stdout table format: text or markdown");
  CampaignConfig config;
  po::variables_map vm;
  if (!parse_campaign_command(args, opts, a, &config, &vm)) return kExitOk;
  if (table != "text" && table != "markdown")
    throw UsageError{"--table: expected text or markdown, found \"" + table + "\""};
  config.command = "sweep";
  if (!compare.empty()) param_args.insert(param_args.begin(), "protocol=" + compare);
  std::set<std::string> paths;
  for (const std::string& arg : param_args) {
    SweepParam p;
    std::string error;
    if (!parse_sweep_param(arg, &p, &error)) throw UsageError{"--param: " + error};
    if (!paths.insert(p.path).second)
      throw UsageError{"--param: " + p.path +
                       " is given twice (list all its values in one --param)"};
    config.params.push_back(std::move(p));
  }
  return run_campaign(config, vm, a, table == "markdown");
}

}  // namespace leasesim::cli
