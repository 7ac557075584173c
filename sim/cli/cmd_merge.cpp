// leasesim merge FILE...: the shards of one explore (or sweep) run combined
// into exactly the file one unsharded run would have written.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "cli.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/world/results.hpp"
#include "leasesim/world/sweep.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_merge(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim merge FILE... [--out FILE]\n\n"
      "Combines the results files of shards 1/N..N/N of one run (`--shard K/N`) into the\n"
      "file one unsharded run would have written (seed lines in seed order, summary\n"
      "recomputed). Exit 1 if the merged results hold a violation, 2 on bad input\n"
      "(files of different runs, a shard missing, twice, or interrupted).\n\noptions");
  std::string out_path;
  std::vector<std::string> inputs;
  opts.add_options()("help,h", "show this help")("out,o", po::value<std::string>(&out_path),
                                                 "write to FILE (atomically) instead of stdout");
  po::options_description hidden;
  hidden.add_options()("input", po::value<std::vector<std::string>>(&inputs));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "input", -1, &vm)) return kExitOk;
  if (inputs.empty()) throw UsageError{"missing FILE... (results files of the shards)"};
  // Sweep files have their own format and merge (world/sweep.hpp).
  if (is_sweep_file(inputs[0])) return merge_sweep_command(inputs, out_path);

  std::vector<ResultsFile> files(inputs.size());
  std::string error;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!read_results(inputs[i], &files[i], &error)) {
      std::fprintf(stderr, "leasesim merge: %s\n", error.c_str());
      return kExitBadInput;
    }
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
  uint64_t violations = 0;
  for (const ResultsFile& f : files)
    for (const SeedRecord& r : f.records) violations += r.verdict == Verdict::kViolation;
  // Under stop-on-first the merged file may hold fewer violations than the
  // shards together, but it holds one iff any shard does.
  return violations > 0 ? kExitFailed : kExitOk;
}

}  // namespace leasesim::cli
