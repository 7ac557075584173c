// leasesim run SCENARIO: one simulation, a report, optionally a trace.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <boost/program_options.hpp>

#include "batch_support.hpp"
#include "bench.hpp"
#include "cli.hpp"
#include "leasesim/campaign/expectation.hpp"
#include "leasesim/campaign/explore.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/core/jsonl_writer.hpp"
#include "leasesim/report/chrome_trace.hpp"
#include "leasesim/report/run_report.hpp"
#include "leasesim/report/verdict.hpp"
#include "leasesim/world/world.hpp"
#include "output_paths.hpp"
#include "plot.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

namespace {

constexpr const char* kBenchRunsDefault = "5";

// "--bench" takes an optional N, and the parser would take whatever
// follows as it: `run --bench s.json` lost the scenario ("missing
// SCENARIO"). A following word that is not a number is not its N.
std::vector<std::string> bench_value_only_if_numeric(std::vector<std::string> args) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] != "--bench") continue;
    const std::string& next = args[i + 1];
    const bool numeric = !next.empty() && next.find_first_not_of("0123456789") == std::string::npos;
    if (!numeric) args[i] = std::string("--bench=") + kBenchRunsDefault;
  }
  return args;
}

}  // namespace

int cmd_run(const std::vector<std::string>& raw_args) {
  const std::vector<std::string> args = bench_value_only_if_numeric(raw_args);
  po::options_description opts(
      "usage: leasesim run SCENARIO [options]\n\n"
      "Simulates SCENARIO and prints a report: violations first, then metrics and the\n"
      "trace hash. Exit 1 if safety was violated, 2 on bad input, 130 if interrupted\n"
      "(SIGINT/SIGTERM: nothing is written).\n\noptions");
  std::string scenario_path, trace_path, out_dir, seed_text, max_events_text, python;
  std::string until, timeout, bench_text, event_queue = "auto";
  std::string trace_format = "jsonl", plot_path;
  opts.add_options()("help,h", "show this help")(
      "seed", po::value<std::string>(&seed_text)->value_name("N"),
      "use seed N (0 or more) instead of the scenario's")(
      "until", po::value<std::string>(&until)->value_name("T"),
      "stop at virtual time T (e.g. 30s)")("trace",
                                           po::value<std::string>(&trace_path)->value_name("FILE"),
                                           "write the trace as JSON Lines to FILE")(
      "out", po::value<std::string>(&out_dir)->value_name("DIR"),
      "write trace.jsonl, report.txt and report.json into DIR (created if needed)")(
      "trace-format", po::value<std::string>(&trace_format)->value_name("FORMAT"),
      "jsonl (default) or chrome: Chrome Trace Event JSON for ui.perfetto.dev, to --trace "
      "FILE or DIR/trace.chrome.json with --out")(
      "plot", po::value<std::string>(&plot_path)->value_name("FILE"),
      "draw the run's timeline to FILE (.png, .svg or .pdf) with the plot_timeline script")(
      "python", po::value<std::string>(&python)->value_name("PATH"),
      "the Python (with matplotlib) that draws --plot (default: $LEASESIM_PYTHON, else "
      "/usr/bin/python3)")("json", "print the report as JSON instead of text")(
      "explore",
      "add the random faults `leasesim explore` draws for this seed (the scenario's explore "
      "block) to the fault script: the same run as `leasesim explore SCENARIO --seeds S..S`")(
      "stop-on-first", "stop at the first violation")(
      "max-events", po::value<std::string>(&max_events_text)->value_name("N"),
      "stop after N engine events")("timeout", po::value<std::string>(&timeout)->value_name("T"),
                                    "stop after T of wall-clock time (e.g. 30s)")(
      "bench",
      po::value<std::string>(&bench_text)->value_name("N")->implicit_value(kBenchRunsDefault),
      "benchmark: run N times (default 5) with tracing off and print set-up and run times, "
      "events/s, instructions/event where the processor counts them, and peak memory "
      "(docs/performance.md)")(
      "event-queue", po::value<std::string>(&event_queue)->value_name("DRAIN"),
      "auto (default: by the number of nodes), heap or sorted-runs: how the event queue "
      "drains due events. Changes speed only, never the run (docs/performance.md)");
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>(&scenario_path));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "scenario", 1, &vm)) return kExitOk;
  if (scenario_path.empty()) throw UsageError{"missing SCENARIO (a scenario JSON file)"};
  // Option values first: a mistake in them is found before any work.
  // (A plain flag and value: GCC 12 misreads an optional<uint64_t> here.)
  const bool seed_given = vm.count("seed") > 0;
  const uint64_t seed = seed_given ? parse_seed_arg("seed", seed_text) : 0;
  if (vm.count("python") && python.empty()) throw UsageError{"--python: expected a path"};
  if (!trace_path.empty() && !out_dir.empty())
    throw UsageError{"--trace and --out both name the trace; use one"};
  // Outputs that would replace the scenario, or each other.
  for (const auto& [option, out] :
       {std::pair<const char*, const std::string*>{"--trace", &trace_path}, {"--plot", &plot_path}})
    if (!out->empty() && !input_overwritten_by(*out, {scenario_path}).empty())
      throw UsageError{overwrites_input_message(option, *out, scenario_path)};
  if (!plot_path.empty() && !trace_path.empty() &&
      (plot_path == trace_path || !input_overwritten_by(plot_path, {trace_path}).empty()))
    throw UsageError{"--plot \"" + plot_path +
                     "\" is also --trace: the picture would replace "
                     "the trace"};
  if (trace_format != "jsonl" && trace_format != "chrome")
    throw UsageError{"--trace-format: expected jsonl or chrome, found \"" + trace_format + "\""};
  const bool chrome = trace_format == "chrome";
  if (chrome && trace_path.empty() && out_dir.empty())
    throw UsageError{"--trace-format chrome needs --trace FILE or --out DIR"};
  RunOptions ro;
  if (!until.empty()) {
    const Duration u = parse_duration_arg("until", until);
    if (u <= Duration::zero()) throw UsageError{"--until: expected a positive duration"};
    ro.until = TimePoint::origin() + u;
  }
  if (!timeout.empty()) {
    const Duration t = parse_duration_arg("timeout", timeout);
    if (t <= Duration::zero()) throw UsageError{"--timeout: expected a positive duration"};
    ro.max_wall_seconds = static_cast<double>(t.ns()) / 1e9;
  }
  if (vm.count("max-events")) ro.max_events = parse_count_arg("max-events", max_events_text, 1);
  ro.stop_on_first_violation = vm.count("stop-on-first") > 0;
  if (event_queue != "auto") {
    for (const Drain d : {Drain::kHeap, Drain::kSortedRuns})
      if (event_queue == to_string(d)) ro.event_queue = d;
    if (!ro.event_queue)
      throw UsageError{"--event-queue: expected auto, heap or sorted-runs, found \"" + event_queue +
                       "\""};
  }

  const bool bench = vm.count("bench") > 0;
  const uint64_t bench_runs = bench ? parse_count_arg("bench", bench_text, 1) : 0;
  if (bench && (!trace_path.empty() || !out_dir.empty() || !plot_path.empty()))
    throw UsageError{"--bench runs with tracing off: drop --trace, --out and --plot"};

  std::optional<Scenario> sc = load_or_report(scenario_path);
  if (!sc) return kExitBadInput;
  if (seed_given) sc->seed = seed;
  if (vm.count("explore")) {
    // Exactly what explore runs for this seed (campaign/explore.hpp), so the
    // trace hash equals explore's and that of the replay file it saves.
    // The report's faults line counts them with the scripted ones.
    sc = explore_scenario(*sc, explore_layout(*sc), sc->seed);
  }
  // A run ends at the scenario's duration whatever --until says: say so,
  // rather than let "completed" read as reaching the later time.
  if (ro.until && *ro.until > TimePoint::origin() + sc->duration)
    std::fprintf(
        stderr,
        "warning: --until %s is past the scenario's end (duration %s): the run stops at %s\n",
        until.c_str(), format_duration(sc->duration).c_str(),
        format_duration(sc->duration).c_str());
  if (bench) return run_bench(*sc, ro, bench_runs, vm.count("json") > 0);

  if (!out_dir.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(out_dir, ec) && !std::filesystem::is_directory(out_dir, ec)) {
      std::fprintf(stderr, "leasesim run: --out \"%s\" exists and is not a directory\n",
                   out_dir.c_str());
      return kExitBadInput;
    }
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      std::fprintf(stderr, "leasesim run: cannot create \"%s\": %s\n", out_dir.c_str(),
                   ec.message().c_str());
      return kExitBadInput;
    }
    trace_path = (std::filesystem::path(out_dir) / "trace.jsonl").string();
  }
  // After --out made its folder: `--out D --plot D/timeline.png` is the
  // README's own command, and D need not exist before it.
  std::string plot_script;
  const PlotPython plot_python = choose_python(python);
  if (!plot_path.empty()) {
    std::string error;
    if (!plot_ready(plot_path, plot_python, &plot_script, &error)) {
      std::fprintf(stderr, "leasesim run: %s\n", error.c_str());
      return kExitBadInput;
    }
  }

  // Ctrl-C or SIGTERM ends the run within milliseconds: nothing is
  // published, and the outputs' temporary files are removed as their
  // writers go out of scope (before, the signal killed the process and left
  // them, a whole trace's worth). Exit 130.
  std::atomic<bool> interrupted{false};
  StopSignals signals(&interrupted);
  ro.cancel = &interrupted;

  // Trace outputs: JSON Lines, Chrome JSON, and for --plot without a JSONL
  // file a temporary one.
  std::string jsonl_path = chrome && out_dir.empty() ? std::string() : trace_path;
  std::string chrome_path;
  if (chrome)
    chrome_path = out_dir.empty() ? trace_path
                                  : (std::filesystem::path(out_dir) / "trace.chrome.json").string();
  std::unique_ptr<TempPath> temp_trace;
  if (!plot_path.empty() && jsonl_path.empty()) {
    temp_trace = std::make_unique<TempPath>(".jsonl");
    jsonl_path = temp_trace->path();
  }
  const TraceSchema schema = make_trace_schema(*sc);
  std::unique_ptr<JsonlTraceWriter> writer;
  std::unique_ptr<ChromeTraceWriter> chrome_writer;
  TeeSink sinks;
  for (const std::string* path : {&jsonl_path, &chrome_path}) {
    if (path->empty()) continue;
    AtomicFile file;
    std::string error;
    if (!file.open(*path, &error)) {
      std::fprintf(stderr, "leasesim run: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (path == &jsonl_path) {
      writer = std::make_unique<JsonlTraceWriter>(schema, std::move(file));
      sinks.add(writer.get());
    } else {
      chrome_writer = std::make_unique<ChromeTraceWriter>(schema, std::move(file));
      sinks.add(chrome_writer.get());
    }
  }
  // --out's reports are opened before the run too: every file it writes is
  // known to be creatable (no folder in the way, no unwritable directory)
  // before any of them is published, so a refused run leaves none behind.
  AtomicFile report_text_file, report_json_file;
  if (!out_dir.empty()) {
    const std::filesystem::path dir(out_dir);
    std::string error;
    if (!report_text_file.open((dir / "report.txt").string(), &error) ||
        !report_json_file.open((dir / "report.json").string(), &error)) {
      std::fprintf(stderr, "leasesim run: %s\n", error.c_str());
      return kExitBadInput;
    }
  }
  ro.trace = sinks.empty() ? nullptr : &sinks;
  World world(*sc, ro);
  const RunResult result = world.run();
  if (interrupted.load()) {
    std::fprintf(stderr,
                 "leasesim run: interrupted at %s (virtual): no report, no output written\n",
                 format_time(result.end).c_str());
    return kExitInterrupted;
  }
  if (!sinks.empty()) {
    std::string error;
    if (!sinks.finish(&error)) {
      std::fprintf(stderr, "leasesim run: %s\n", error.c_str());
      return kExitBadInput;
    }
  }
  const std::string text = format_report(*sc, result, schema);
  const nlohmann::json json = report_json(*sc, result, schema);
  if (vm.count("json"))
    std::cout << json.dump(2) << "\n";
  else
    std::cout << text;
  if (!out_dir.empty()) {
    std::string error;
    report_text_file.write(text);
    report_json_file.write(json.dump(2) + "\n");
    if (!report_text_file.commit(&error) || !report_json_file.commit(&error)) {
      std::fprintf(stderr, "leasesim run: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (!vm.count("json"))
      std::cout << "\nwrote " << out_dir << "/{trace.jsonl," << (chrome ? "trace.chrome.json," : "")
                << "report.txt,report.json}\n";
  } else if (!trace_path.empty() && !vm.count("json")) {
    // Named as --out's files and --plot's picture are; not under --json,
    // whose stdout is the report alone.
    std::cout << "\nwrote " << trace_path << "\n";
  }
  if (!plot_path.empty()) {
    std::string error;
    if (!run_plot(plot_python, plot_script, jsonl_path, plot_path, result.end, &error)) {
      std::fprintf(stderr, "leasesim run: --plot: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (!vm.count("json")) std::cout << "wrote " << plot_path << "\n";
  }
  if (result.reason == EndReason::kPendingLimit && result.failures == 0) {
    // Not a limit the user set: the scenario cannot be simulated to its end.
    std::fprintf(stderr, "leasesim run: %s: the run stopped at %s (virtual) with %s\n",
                 scenario_path.c_str(), format_time(result.end).c_str(),
                 pending_limit_text().c_str());
    return kExitBadInput;
  }
  return result.failures > 0 ? kExitFailed : kExitOk;
}

}  // namespace leasesim::cli
