// leasesim sweep SCENARIO --param PATH=V1,V2 ... --seeds N: a grid of
// scenario variants, each run over the same seeds; violation rates with
// confidence intervals and liveness metrics per cell: a campaign with
// parameters (campaign/campaign.hpp).
#include <algorithm>
#include <set>

#include <boost/program_options.hpp>

#include "campaign_cli.hpp"
#include "cli.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim sweep SCENARIO... --param [NAME:]PATH=V1,V2,... [--param ...] [options]\n\n"
      "Runs every combination of the parameter values (a cell) over the same seeds\n"
      "and reports, per cell, the violation rate (also per violation kind) with a 95%\n"
      "confidence interval and liveness metrics. PATH is a dotted path into the scenario\n"
      "JSON (lease.ttl, core.servers, protocol.knobs.anchor, requestors.0.hold, ...);\n"
      "`protocol` is short for protocol.preset. Every seed adds its random faults, the\n"
      "same in every cell with the same nodes, within the explore block's limits (default\n"
      "limits without one; --no-random-faults for none). Violations are data: exit 0\n"
      "unless the input is bad (2) or the sweep was interrupted (130; --resume continues).\n"
      "Several SCENARIOs are compared on the same seeds: each is a grid of its own (a\n"
      "`scenario` column in results); NAME: scopes a parameter to the scenario of that name\n"
      "(e.g. compare-kv-lease:protocol.preset=safe,wall-clock); without it a parameter\n"
      "applies to every scenario. Files with the same nodes and explore block get the same\n"
      "random faults for the same seed.\n"
      "\noptions");
  CampaignArgs a;
  a.seeds = "100";
  add_campaign_options(&opts, &a, "seeds of every cell: A..B or N (1..N); default 100");
  std::vector<std::string> param_args;
  std::string compare, table = "text";
  opts.add_options()(
      "param,p",
      po::value<std::vector<std::string>>(&param_args)->value_name("[NAME:]PATH=V1,V2,..."),
      "a parameter and its values (repeatable; values are JSON if valid, else strings); "
      "NAME: limits it to the scenario named NAME")(
      "compare", po::value<std::string>(&compare)->value_name("P1,P2,..."),
      "protocol presets side by side (same as --param protocol=P1,P2,...)")(
      "table", po::value<std::string>(&table)->value_name("FORMAT"),
      "stdout table format: text or markdown");
  CampaignConfig config;
  po::variables_map vm;
  if (!parse_campaign_command(args, opts, a, &config, &vm, /*several=*/true)) return kExitOk;
  if (table != "text" && table != "markdown")
    throw UsageError{"--table: expected text or markdown, found \"" + table + "\""};
  config.command = "sweep";
  if (!compare.empty()) param_args.insert(param_args.begin(), "protocol=" + compare);
  std::set<std::pair<std::string, std::string>> paths;  // (scope, path)
  for (const std::string& arg : param_args) {
    // "NAME:PATH=..." (a colon before the first '='; paths have none).
    const size_t colon = arg.find(':'), eq = arg.find('=');
    const bool scoped = colon != std::string::npos && (eq == std::string::npos || colon < eq);
    const std::string scope = scoped ? arg.substr(0, colon) : "";
    if (scoped && scope.empty())
      throw UsageError{
          "--param: expected NAME:PATH=V1,V2,... with a scenario's name before "
          "the colon, found \"" +
          arg + "\""};
    SweepParam p;
    std::string error;
    if (!parse_sweep_param(scoped ? arg.substr(colon + 1) : arg, &p, &error))
      throw UsageError{"--param: " + error};
    const bool clash =
        !paths.insert({scope, p.path}).second ||
        (scope.empty()
             ? std::any_of(paths.begin(), paths.end(),
                           [&](const auto& sp) { return !sp.first.empty() && sp.second == p.path; })
             : paths.count({"", p.path}) > 0);
    if (clash)
      throw UsageError{"--param: " + p.path +
                       " is given twice for a scenario (list all its values in one --param)"};
    config.params.push_back(std::move(p));
    config.param_scopes.push_back(scope);
  }
  return run_campaign(config, vm, a, table == "markdown");
}

}  // namespace leasesim::cli
