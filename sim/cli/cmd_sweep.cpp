// leasesim sweep SCENARIO --param PATH=V1,V2 ... --seeds N: a grid of
// scenario variants, each run over many seeds; violation rates with
// confidence intervals and liveness metrics per cell (world/sweep.hpp).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include <boost/program_options.hpp>

#include "batch_support.hpp"
#include "cli.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/batch.hpp"
#include "leasesim/world/explore.hpp"
#include "leasesim/world/results.hpp"
#include "leasesim/world/sweep.hpp"
#include "progress.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

std::string pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}

std::string num(const nlohmann::json& v, const char* fmt) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v.get<double>());
  return buf;
}

std::string ns_text(const nlohmann::json& v) {
  if (!v.is_number_integer()) return "-";
  return format_duration_short(Duration(v.get<int64_t>()));
}

std::string value_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "12/200 6.0% [3.5-10.2%]"
std::string rate_cell(const nlohmann::json& c) {
  const auto& ci = c["ci95"];
  char buf[96];
  std::snprintf(buf, sizeof buf, "%llu/%llu %s [%.1f-%.1f%%]",
                static_cast<unsigned long long>(c["violations"].get<uint64_t>()),
                static_cast<unsigned long long>(c["runs"].get<uint64_t>()),
                pct(c["violation_rate"].get<double>()).c_str(), 100.0 * ci[0].get<double>(),
                100.0 * ci[1].get<double>());
  return buf;
}

void print_table(const std::vector<std::vector<std::string>>& rows, bool markdown) {
  if (rows.empty()) return;
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  for (size_t ri = 0; ri < rows.size(); ++ri) {
    std::string line = markdown ? "|" : "";
    for (size_t i = 0; i < rows[ri].size(); ++i) {
      std::string cell = rows[ri][i];
      cell.resize(width[i], ' ');
      if (markdown)
        line += " " + cell + " |";
      else
        line += (i ? "  " : "") + cell;
    }
    while (!markdown && !line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
    if (ri == 0) {
      std::string sep = markdown ? "|" : "";
      for (size_t i = 0; i < width.size(); ++i) {
        if (markdown)
          sep += std::string(width[i] + 2, '-') + "|";
        else
          sep += (i ? "  " : "") + std::string(width[i], '-');
      }
      std::printf("%s\n", sep.c_str());
    }
  }
}

// The per-cell table, and (with a protocol parameter of several values)
// the side-by-side comparison a paper would print.
void print_results(const SweepHeader& h, const std::vector<std::optional<nlohmann::json>>& cells,
                   bool markdown) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head;
  for (const SweepParam& p : h.params) head.push_back(p.name);
  for (const char* c : {"runs", "viol", "rate", "95% CI", "avail", "acq p50", "acq p99",
                        "handoff p50", "failover p50"})
    head.push_back(c);
  rows.push_back(head);
  for (uint64_t c = 0; c < cells.size(); ++c) {
    if (!cells[c]) continue;
    const nlohmann::json& j = *cells[c];
    std::vector<std::string> row;
    const std::vector<size_t> coords = sweep_cell_coords(h.params, c);
    for (size_t i = 0; i < h.params.size(); ++i)
      row.push_back(value_text(h.params[i].values[coords[i]]));
    row.push_back(std::to_string(j["runs"].get<uint64_t>()));
    row.push_back(std::to_string(j["violations"].get<uint64_t>()));
    row.push_back(pct(j["violation_rate"].get<double>()));
    row.push_back("[" + pct(j["ci95"][0].get<double>()) + ", " + pct(j["ci95"][1].get<double>()) +
                  "]");
    row.push_back(num(j["availability_mean"], "%.3f"));
    row.push_back(ns_text(j["acquire_p50_ns"]));
    row.push_back(ns_text(j["acquire_p99_ns"]));
    row.push_back(ns_text(j["handoff_p50_ns"]));
    row.push_back(ns_text(j["failover_p50_ns"]));
    rows.push_back(std::move(row));
  }
  if (rows.size() == 1) return;  // no finished cell (interrupted early)
  print_table(rows, markdown);

  // Compare: protocol variants as columns, the other parameters as rows.
  size_t proto = h.params.size();
  for (size_t i = 0; i < h.params.size(); ++i)
    if (h.params[i].path == "protocol.preset" && h.params[i].values.size() > 1) proto = i;
  if (proto == h.params.size()) return;
  std::vector<std::vector<std::string>> cmp;
  std::vector<std::string> chead;
  for (size_t i = 0; i < h.params.size(); ++i)
    if (i != proto) chead.push_back(h.params[i].name);
  for (const auto& v : h.params[proto].values) chead.push_back(value_text(v));
  cmp.push_back(chead);
  std::map<std::vector<size_t>, size_t> row_of;  // other coordinates -> row
  for (uint64_t c = 0; c < cells.size(); ++c) {
    if (!cells[c]) continue;
    std::vector<size_t> coords = sweep_cell_coords(h.params, c);
    const size_t col = coords[proto];
    coords.erase(coords.begin() + static_cast<std::ptrdiff_t>(proto));
    auto it = row_of.find(coords);
    if (it == row_of.end()) {
      std::vector<std::string> row;
      size_t k = 0;
      for (size_t i = 0; i < h.params.size(); ++i)
        if (i != proto) row.push_back(value_text(h.params[i].values[coords[k++]]));
      row.resize(chead.size(), "-");
      cmp.push_back(row);
      it = row_of.emplace(coords, cmp.size() - 1).first;
    }
    cmp[it->second][chead.size() - h.params[proto].values.size() + col] = rate_cell(*cells[c]);
  }
  std::printf(
      "\nviolation rate by %s (violating runs/runs, rate, 95%% Wilson CI; same seeds and "
      "fault schedules in every column)\n",
      h.params[proto].name.c_str());
  print_table(cmp, markdown);
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim sweep SCENARIO --param PATH=V1,V2,... [--param ...] [options]\n\n"
      "Runs every combination of the parameter values (a cell) over the same seeds\n"
      "and reports, per cell, the violation rate with a 95% confidence interval and\n"
      "liveness metrics. PATH is a dotted path into the scenario JSON (lease.ttl,\n"
      "core.servers, protocol.knobs.anchor, requestors.0.hold, ...); `protocol` is\n"
      "short for protocol.preset. With an `explore` block every seed adds its random\n"
      "faults, the same in every cell. Violations are data: exit 0 unless the input\n"
      "is bad (2) or the sweep was interrupted (130; --resume continues).\n\noptions");
  std::string scenario_path, seeds_text = "100", shard_text, out_path, timeout, compare,
                             progress_text = "auto", table = "text";
  std::vector<std::string> param_args;
  unsigned jobs = 0;
  uint64_t max_events = 0;
  opts.add_options()("help,h", "show this help")(
      "param,p", po::value<std::vector<std::string>>(&param_args),
      "PATH=V1,V2,...: a parameter and its values (repeatable; values are JSON if "
      "valid, else strings)")(
      "compare", po::value<std::string>(&compare),
      "P1,P2,...: protocol presets side by side (same as --param protocol=P1,P2,...)")(
      "seeds", po::value<std::string>(&seeds_text),
      "seeds per cell: A..B or N (1..N); default 100")("jobs,j", po::value<unsigned>(&jobs),
                                                       "parallel runs (default: one per core)")(
      "shard", po::value<std::string>(&shard_text),
      "run only shard K/N of the (cell, seed) jobs; `leasesim merge` combines the shards")(
      "out,o", po::value<std::string>(&out_path),
      "write run lines, one line per cell and a summary to FILE (JSON Lines)")(
      "resume", "continue the interrupted sweep whose results are in --out")(
      "max-events", po::value<uint64_t>(&max_events),
      "stop each run after N engine events (verdict \"incomplete\")")(
      "timeout", po::value<std::string>(&timeout),
      "stop each run after this much wall-clock time (verdict \"incomplete\")")(
      "table", po::value<std::string>(&table), "stdout table format: text or markdown")(
      "progress", po::value<std::string>(&progress_text),
      "auto (a bar on a terminal, else a line every 10s), bar, lines or none")(
      "quiet,q", "no progress and no table; only the summary line");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(&scenario_path));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "scenario", 1, &vm)) return kExitOk;
  if (scenario_path.empty()) throw UsageError{"missing SCENARIO (a scenario JSON file)"};
  if (table != "text" && table != "markdown")
    throw UsageError{"--table: expected text or markdown, found \"" + table + "\""};

  SweepHeader header;
  std::string error;
  if (!compare.empty()) param_args.insert(param_args.begin(), "protocol=" + compare);
  std::set<std::string> paths;
  for (const std::string& a : param_args) {
    SweepParam p;
    if (!parse_sweep_param(a, &p, &error)) throw UsageError{"--param: " + error};
    if (!paths.insert(p.path).second)
      throw UsageError{"--param: " + p.path +
                       " is given twice (list all its values in one --param)"};
    header.params.push_back(std::move(p));
  }
  if (!parse_seed_range(seeds_text, &header.first_seed, &header.last_seed, &error))
    throw UsageError{"--seeds: " + error};
  if (!shard_text.empty() && !parse_shard(shard_text, &header.shard, &header.shards, &error))
    throw UsageError{"--shard: " + error};
  const uint64_t cells_count = header.cells();
  constexpr uint64_t kMaxCells = 100'000;
  if (cells_count > kMaxCells)
    throw UsageError{"the grid has " + std::to_string(cells_count) + " cells (at most " +
                     std::to_string(kMaxCells) + ")"};
  if (header.seeds_per_cell() > (uint64_t{1} << 40) / cells_count)
    throw UsageError{"--seeds: too many runs (cells x seeds must stay below 2^40)"};
  const bool resume = vm.count("resume") > 0;
  if (resume && out_path.empty())
    throw UsageError{"--resume needs --out FILE (the sweep to continue)"};
  const bool quiet = vm.count("quiet") > 0;
  bool mode_ok = true;
  Progress::Mode mode = Progress::parse_mode(progress_text, &mode_ok);
  if (!mode_ok)
    throw UsageError{"--progress: expected auto, bar, lines or none, found \"" + progress_text +
                     "\""};
  if (quiet) mode = Progress::Mode::kNone;

  RunOptions ro;
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

  // The base document and scenario, then every cell's scenario (all cells
  // are checked before anything runs).
  nlohmann::json doc;
  std::vector<Diagnostic> diags;
  if (!read_scenario_json(scenario_path, &doc, &diags)) {
    for (const Diagnostic& d : diags) std::fprintf(stderr, "%s\n", d.format().c_str());
    return kExitBadInput;
  }
  std::optional<Scenario> base = load_or_report(scenario_path);
  if (!base) return kExitBadInput;
  header.scenario = base->name;
  header.digest = scenario_digest(scenario_to_json(*base).dump());

  std::vector<Scenario> cells;
  std::vector<std::optional<ExploreLayout>> layouts;
  std::vector<std::string> cell_errors;
  for (uint64_t c = 0; c < cells_count; ++c) {
    std::optional<Scenario> sc =
        sweep_cell_scenario(doc, scenario_path, header.params, c, &cell_errors);
    if (!sc) continue;
    layouts.push_back(sc->explore ? std::optional<ExploreLayout>(explore_layout(*sc))
                                  : std::nullopt);
    cells.push_back(std::move(*sc));
  }
  if (!cell_errors.empty()) {
    constexpr size_t kShown = 20;
    for (size_t i = 0; i < cell_errors.size() && i < kShown; ++i)
      std::fprintf(stderr, "%s\n", cell_errors[i].c_str());
    if (cell_errors.size() > kShown)
      std::fprintf(stderr, "... and %zu more\n", cell_errors.size() - kShown);
    return kExitBadInput;
  }

  // Resuming: the runs already written are fed back, and any cell line a
  // kill cut off is written first.
  SweepEmitter emitter(header);
  std::vector<std::optional<nlohmann::json>> cell_lines(cells_count);
  uint64_t start = 0, keep_bytes = 0;
  bool new_file = true;
  std::vector<std::string> pending;
  if (resume && std::filesystem::exists(out_path)) {
    SweepFile prev;
    if (!read_sweep_file(out_path, &prev, &error)) {
      std::fprintf(stderr, "leasesim sweep: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (prev.header.format() != header.format()) {
      std::fprintf(stderr,
                   "leasesim sweep: %s was written by a different sweep (scenario, parameters, "
                   "seeds, shard or options differ):\n  file: %s\n  now:  %s\n",
                   out_path.c_str(), prev.header.format().c_str(), header.format().c_str());
      return kExitBadInput;
    }
    for (const SweepRun& r : prev.runs) emitter.add(r);
    for (const nlohmann::json& c : prev.cells) cell_lines[c["cell_index"].get<uint64_t>()] = c;
    start = prev.runs.size();
    keep_bytes = prev.good_bytes;
    pending = prev.pending;
    new_file = false;
  }

  ResultsWriter writer;
  if (!out_path.empty()) {
    bool ok = writer.open(out_path, keep_bytes, &error) &&
              (!new_file || writer.write_line(header.format(), &error));
    for (const std::string& l : pending) {
      ok = ok && writer.write_line(l, &error);
      const nlohmann::json c = nlohmann::json::parse(l);
      cell_lines[c["cell_index"].get<uint64_t>()] = c;
    }
    if (!ok) {
      std::fprintf(stderr, "leasesim sweep: %s\n", error.c_str());
      return kExitBadInput;
    }
  }

  const uint64_t total = header.shard_jobs();
  const uint64_t todo = total - start;
  BatchRunner runner(jobs);
  Progress progress("runs", total, mode);
  bool write_failed = false;
  auto on_result = [&](size_t i, RunResult&& r) -> bool {
    const uint64_t job = header.job(start + i);
    const uint64_t c = header.cell_of(job);
    const uint64_t seed = header.seed_of(job);
    const uint64_t faults =
        layouts[c] ? generate_faults(explore_spec(cells[c]), *layouts[c], seed).size() : 0;
    const SweepRun rec = SweepRun::from_run(c, seed, r, faults);
    for (const std::string& l : emitter.add(rec)) {
      if (writer.is_open() && !write_failed && !writer.write_line(l, &error)) {
        write_failed = true;
        runner.request_stop();
      }
      if (l.rfind("{\"cell\":", 0) == 0) cell_lines[c] = nlohmann::json::parse(l);
    }
    progress.update(start + i + 1, emitter.violations());
    return !write_failed;
  };
  uint64_t ran = 0;
  bool interrupted = false;
  {
    StopSignals signals(&runner);
    const std::function<Scenario(size_t)> make = [&](size_t i) {
      const uint64_t job = header.job(start + i);
      const uint64_t c = header.cell_of(job);
      const uint64_t seed = header.seed_of(job);
      if (layouts[c]) return explore_scenario(cells[c], *layouts[c], seed);
      Scenario sc = cells[c];
      sc.seed = seed;
      return sc;
    };
    if (todo > 0) ran = runner.run(todo, make, ro, on_result);
    interrupted = signals.fired();
  }
  progress.finish(start + ran, emitter.violations());
  if (write_failed) {
    std::fprintf(stderr, "leasesim sweep: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (writer.is_open() &&
      (!writer.write_line(emitter.summary(), &error) || !writer.close(&error))) {
    std::fprintf(stderr, "leasesim sweep: %s\n", error.c_str());
    return kExitBadInput;
  }

  const uint64_t done = start + ran;
  if (!quiet && header.shards == 1) print_results(header, cell_lines, table == "markdown");
  std::printf(
      "%ssweep %s: %llu cell(s) x %llu seed(s)%s: %llu run(s), %llu violating, %llu "
      "incomplete%s\n",
      (!quiet && header.shards == 1) ? "\n" : "", header.scenario.c_str(),
      static_cast<unsigned long long>(cells_count),
      static_cast<unsigned long long>(header.seeds_per_cell()),
      header.shards > 1
          ? (" shard " + std::to_string(header.shard) + "/" + std::to_string(header.shards)).c_str()
          : "",
      static_cast<unsigned long long>(done), static_cast<unsigned long long>(emitter.violations()),
      static_cast<unsigned long long>(emitter.incomplete()), done == total ? "" : " (interrupted)");
  if (!out_path.empty()) std::printf("  results: %s\n", out_path.c_str());
  if (header.shards > 1 && done == total)
    std::printf("  combine the shards with: leasesim merge FILE... --out sweep.jsonl\n");
  if (emitter.incomplete() > 0)
    std::printf(
        "  %llu run(s) hit --max-events or --timeout before the end; they count as "
        "not violating\n",
        static_cast<unsigned long long>(emitter.incomplete()));
  if (interrupted && done < total) {
    std::printf("interrupted after %llu of %llu run(s); ", static_cast<unsigned long long>(done),
                static_cast<unsigned long long>(total));
    if (out_path.empty()) {
      std::printf("nothing was saved (no --out)\n");
    } else {
      std::string cmd = "leasesim sweep " + shell_quote(scenario_path);
      for (const std::string& a : param_args) cmd += " --param " + shell_quote(a);
      cmd +=
          " --seeds " + std::to_string(header.first_seed) + ".." + std::to_string(header.last_seed);
      if (header.shards > 1)
        cmd += " --shard " + std::to_string(header.shard) + "/" + std::to_string(header.shards);
      if (vm.count("max-events")) cmd += " --max-events " + std::to_string(max_events);
      if (!timeout.empty()) cmd += " --timeout " + shell_quote(timeout);
      cmd += " --out " + shell_quote(out_path) + " --resume";
      std::printf("the finished runs are in %s; resume with:\n  %s\n", out_path.c_str(),
                  cmd.c_str());
    }
    std::fflush(stdout);
    return 130;
  }
  return kExitOk;
}

int merge_sweep_command(const std::vector<std::string>& inputs, const std::string& out_path) {
  std::vector<SweepFile> files(inputs.size());
  std::string error;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!read_sweep_file(inputs[i], &files[i], &error)) {
      std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
      return kExitBadInput;
    }
  }
  std::string text;
  if (!merge_sweep_files(files, &text, &error)) {
    std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (out_path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (!write_file_atomically(out_path, text, &error)) {
    std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
    return kExitBadInput;
  }
  // A sweep reports rates; violations in it are data, not a failure.
  return kExitOk;
}

}  // namespace leasesim::cli
