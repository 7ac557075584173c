// leasesim results FILE: an explore or sweep results file as a table for
// analysis (--csv: one row per run) or as a summary for people.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "cli.hpp"
#include "leasesim/campaign/results_view.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "output_paths.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_results(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim results FILE [--csv] [--out FILE]\n\n"
      "Reads the results file of `leasesim explore` or `leasesim sweep` (also a shard's,\n"
      "or an interrupted one's). Without --csv: the summary, per-cell tables and the\n"
      "failing runs with commands that reproduce them. With --csv: one row per run with\n"
      "every swept parameter and effective knob as a column, the verdict, one column per\n"
      "violation kind, metrics, the trace hash and a replay command (docs/analysis.md).\n"
      "Exit 0, or 2 if the file cannot be read.\n\noptions");
  std::string path, out_path, table = "text";
  opts.add_options()("help,h", "show this help")("csv", "write CSV, one row per run")(
      "out,o", po::value<std::string>(&out_path)->value_name("FILE"),
      "write to FILE (atomically) instead of stdout")(
      "table", po::value<std::string>(&table)->value_name("FORMAT"),
      "summary table format: text or markdown");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::string>(&path));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "input", 1, &vm)) return kExitOk;
  if (path.empty()) throw UsageError{"missing FILE (a results file of explore or sweep)"};
  if (table != "text" && table != "markdown")
    throw UsageError{"--table: expected text or markdown, found \"" + table + "\""};
  if (!out_path.empty() && !input_overwritten_by(out_path, {path}).empty())
    throw UsageError{overwrites_input_message("--out", out_path, path)};
  ResultsFile f;
  std::string error;
  if (!read_results(path, &f, &error)) {
    std::fprintf(stderr, "leasesim results: %s\n", error.c_str());
    return kExitBadInput;
  }
  const std::string text =
      vm.count("csv") ? results_csv(f) : results_summary(f, table == "markdown");
  if (out_path.empty()) {
    std::cout << text;
  } else if (!write_file_atomically(out_path, text, &error)) {
    std::fprintf(stderr, "leasesim results: %s\n", error.c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace leasesim::cli
