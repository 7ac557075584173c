// leasesim merge FILE...: the shards of one explore or sweep run combined
// into exactly the file one unsharded run would have written.
#include <algorithm>
#include <cstdio>

#include <boost/program_options.hpp>

#include "cli.hpp"
#include "leasesim/campaign/results.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "output_paths.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_merge(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim merge FILE... [--out FILE]\n\n"
      "Combines the results files of shards 1/N..N/N of one explore or sweep run\n"
      "(`--shard K/N`) into the file one unsharded run would have written (runs in job\n"
      "order, cell lines and summary recomputed). Exit 1 if merged explore results hold\n"
      "a violation (a sweep's violations are data: 0), 2 on bad input (files of different\n"
      "runs, a shard missing, twice, or interrupted).\n\noptions");
  std::string out_path;
  std::vector<std::string> inputs;
  opts.add_options()("help,h", "show this help")(
      "out,o", po::value<std::string>(&out_path)->value_name("FILE"),
      "write to FILE (atomically) instead of stdout");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::vector<std::string>>(&inputs));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "input", -1, &vm)) return kExitOk;
  if (inputs.empty()) throw UsageError{"missing FILE... (results files of the shards)"};
  if (const std::string in = input_overwritten_by(out_path, inputs); !in.empty())
    throw UsageError{overwrites_input_message("--out", out_path, in)};

  std::vector<ResultsFile> files(inputs.size());
  std::string error;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!read_results(inputs[i], &files[i], &error)) {
      std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
      return kExitBadInput;
    }
  }
  // Shards of one run written by different builds merge (the plan is the
  // same), but say so: runs of two builds may differ.
  std::vector<std::string> tools;
  for (const ResultsFile& f : files)
    if (std::find(tools.begin(), tools.end(), f.plan.tool_text()) == tools.end())
      tools.push_back(f.plan.tool_text());
  if (tools.size() > 1) {
    std::string list;
    for (const std::string& t : tools) list += (list.empty() ? "" : "; ") + t;
    std::fprintf(stderr,
                 "leasesim merge: warning: the shards were written by different builds (%s): "
                 "runs of two builds may differ; the merged header names shard 1's\n",
                 list.c_str());
  }
  std::string text;
  if (!merge_results(files, &text, &error)) {
    std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (out_path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (!write_file_atomically(out_path, text, &error)) {
    std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
    return kExitBadInput;
  }
  if (files[0].plan.command != "explore") return kExitOk;
  // Under stop-on-first the merged file may hold fewer violations than the
  // shards together, but it holds one iff any shard does.
  for (const ResultsFile& f : files)
    for (const RunRecord& r : f.records)
      if (r.verdict == Verdict::kViolation) return kExitFailed;
  return kExitOk;
}

}  // namespace leasesim::cli
