// leasesim shrink FAILING.json: delta debugging down to a small scenario
// that still shows the same kind of violation (campaign/shrink.hpp).

#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "leasesim/campaign/shrink.hpp"
#include "leasesim/campaign/text.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/report/verdict.hpp"
#include "leasesim/scenario/loader.hpp"
#include "output_paths.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

std::string default_out(const std::string& in) {
  const std::string ext = ".json";
  std::string base = in;
  if (base.size() > ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0)
    base.resize(base.size() - ext.size());
  return base + ".min.json";
}

// The scenario's JSON with its top-level keys in the order
// docs/scenario-format.md presents them (nested objects keep sorted keys).
std::string pretty(const nlohmann::json& j) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const std::string& k : scenario_keys(j)) {
    if (j.contains(k)) o[k] = nlohmann::ordered_json::parse(j[k].dump());
  }
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!o.contains(it.key())) o[it.key()] = nlohmann::ordered_json::parse(it.value().dump());
  return o.dump(2) + "\n";
}

}  // namespace

int cmd_shrink(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim shrink FAILING.json [--out MINIMAL.json] [options]\n\n"
      "Shrinks a scenario whose run violates safety to a small one that still shows the\n"
      "same kind of violation: removes faults, requestors, resources and servers,\n"
      "cuts the duration, makes clocks perfect and the network simple, and shortens\n"
      "faults, until nothing more can go. Prints each step and the final size and\n"
      "writes the result as a normal scenario file (with an expect block claiming what\n"
      "its run shows). Exit 0 when a reproducer was written, 1 if the input does not\n"
      "violate (nothing to shrink), 2 on bad input.\n\noptions");
  std::string in_path, out_path, timeout, seed_text, max_runs_text, max_events_text, reseeds_text;
  std::vector<std::string> kinds;
  opts.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>(&out_path)->value_name("FILE"),
      "write the result here (default: FAILING.min.json)")(
      "kind", po::value<std::vector<std::string>>(&kinds)->value_name("KIND"),
      "the violation kind to keep (repeatable; default: the kinds the input shows)")(
      "seed", po::value<std::string>(&seed_text)->value_name("N"),
      "shrink the run with seed N (0 or more) instead of the scenario's")(
      "max-runs", po::value<std::string>(&max_runs_text)->value_name("N"),
      "simulation runs at most (default 2000)")(
      "timeout", po::value<std::string>(&timeout)->value_name("T"),
      "stop shrinking after T of wall-clock time (e.g. 60s); the best so far is written")(
      "max-events", po::value<std::string>(&max_events_text)->value_name("N"),
      "stop each run after N engine events")(
      "reseeds", po::value<std::string>(&reseeds_text)->value_name("N"),
      "retry a candidate without a requestor, resource or server with up to N following "
      "seeds (default 3; 0 keeps the input's seed)")("quiet,q", "print only the final size");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::string>(&in_path));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "input", 1, &vm)) return kExitOk;
  if (in_path.empty()) throw UsageError{"missing FAILING.json (a scenario whose run violates)"};
  if (out_path.empty()) out_path = default_out(in_path);
  if (!input_overwritten_by(out_path, {in_path}).empty())
    throw UsageError{overwrites_input_message("--out", out_path, in_path)};
  const bool quiet = vm.count("quiet") > 0;
  // Find before the shrink (thousands of runs), not after it, that the
  // result cannot be written.
  if (std::string why; !file_can_be_written(out_path, &why)) {
    std::fprintf(stderr, "leasesim shrink: --out \"%s\": %s\n", out_path.c_str(), why.c_str());
    return kExitBadInput;
  }

  ShrinkOptions so;
  if (vm.count("max-runs")) so.max_runs = parse_count_arg("max-runs", max_runs_text, 1);
  if (vm.count("reseeds")) {
    const uint64_t n = parse_count_arg("reseeds", reseeds_text, 0);
    if (n > 1000) throw UsageError{"--reseeds: at most 1000, found " + reseeds_text};
    so.reseeds = static_cast<uint32_t>(n);
  }
  if (vm.count("max-events")) so.max_events = parse_count_arg("max-events", max_events_text, 1);
  // (A plain flag and value: GCC 12 misreads an optional<uint64_t> here.)
  const bool seed_given = vm.count("seed") > 0;
  const uint64_t seed = seed_given ? parse_seed_arg("seed", seed_text) : 0;
  if (!timeout.empty()) {
    const Duration t = parse_duration_arg("timeout", timeout);
    if (t <= Duration::zero()) throw UsageError{"--timeout: expected a positive duration"};
    so.max_wall_seconds = static_cast<double>(t.ns()) / 1e9;
  }
  for (const std::string& k : kinds) {
    ViolationKind kind;
    if (!parse_violation_kind(k, &kind)) {
      throw UsageError{"--kind: unknown violation kind \"" + k +
                       "\" (overlap, stale_write, latent_overlap, election_safety, "
                       "committed_changed)"};
    }
    so.kinds.push_back(kind);
  }
  if (!quiet)
    so.on_step = [](const std::string& s) {
      std::printf("  %s\n", s.c_str());
      std::fflush(stdout);
    };

  std::optional<Scenario> sc = load_or_report(in_path, false);
  if (!sc) return kExitBadInput;
  if (seed_given) sc->seed = seed;
  if (!quiet) {
    std::printf("shrinking %s: %s\n", in_path.c_str(), ScenarioSize::of(*sc).format().c_str());
    std::fflush(stdout);
  }
  const ShrinkResult r = shrink_scenario(*sc, so);

  std::string target;
  for (const ViolationKind k : r.target)
    target += (target.empty() ? "" : ", ") + std::string(to_string(k));
  if (r.status == ShrinkResult::Status::kInputIncomplete &&
      r.input_reason == EndReason::kPendingLimit) {
    std::printf(
        "%s: the input's run stopped at %s (virtual) before any %sviolation, with %s: "
        "nothing to shrink\n",
        in_path.c_str(), format_time(r.input_end).c_str(),
        so.kinds.empty() ? "" : (target + " ").c_str(), pending_limit_text().c_str());
    return kExitFailed;
  }
  if (r.status == ShrinkResult::Status::kInputIncomplete) {
    std::printf(
        "%s: the input's run was cut short by --max-events %s at %s (virtual) before any "
        "%sviolation: nothing to shrink; raise --max-events\n",
        in_path.c_str(), max_events_text.c_str(), format_time(r.input_end).c_str(),
        so.kinds.empty() ? "" : (target + " ").c_str());
    return kExitFailed;
  }
  if (r.status == ShrinkResult::Status::kNoViolation) {
    if (so.kinds.empty())
      std::printf("%s does not violate safety: nothing to shrink\n", in_path.c_str());
    else
      std::printf("%s shows no %s violation: nothing to shrink\n", in_path.c_str(), target.c_str());
    return kExitFailed;
  }
  std::string error;
  if (!write_file_atomically(out_path, pretty(r.minimal_json), &error)) {
    std::fprintf(stderr, "leasesim shrink: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (r.status == ShrinkResult::Status::kMinimal && r.budget_exhausted)
    std::printf(
        "nothing was removed within the budget (--max-runs, --timeout): the input may "
        "still shrink\n");
  else if (r.status == ShrinkResult::Status::kMinimal)
    std::printf("nothing could be removed: the input is already minimal for %s\n", target.c_str());
  std::printf("target: %s\n", target.c_str());
  std::printf("before: %s\n", r.before.format().c_str());
  std::printf("after:  %s\n", r.after.format().c_str());
  std::printf("%zu step(s) accepted, %llu run(s), %.2fs%s\n", r.steps.size(),
              static_cast<unsigned long long>(r.runs), r.wall_seconds,
              r.budget_exhausted ? " (budget exhausted: the result may shrink further)" : "");
  if (!r.violation.empty()) std::printf("violation: %s\n", r.violation.c_str());
  std::printf("wrote %s (leasesim run %s reproduces it)\n", out_path.c_str(),
              shell_quote(out_path).c_str());
  return kExitOk;
}

}  // namespace leasesim::cli
