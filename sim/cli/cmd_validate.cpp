// leasesim validate PATH...: load and validate only.
#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "cli.hpp"
#include "leasesim/scenario/loader.hpp"
#include "leasesim/scenario/schema.hpp"

namespace po = boost::program_options;

namespace leasesim::cli {

int cmd_validate(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim validate PATH...\n\n"
      "Loads and validates scenario files (folders: every *.json inside) without\n"
      "running them. Prints every error with its file and JSON path.\n"
      "Exit 2 if any file is invalid or no scenario file is found.\n\noptions");
  std::vector<std::string> paths;
  opts.add_options()("help,h", "show this help");
  po::options_description hidden;
  hidden.add_options()("path", po::value<std::vector<std::string>>(&paths));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "path", -1, &vm)) return kExitOk;
  if (paths.empty()) throw UsageError{"missing PATH (scenario files or folders)"};
  std::string error;
  const std::vector<std::string> files = expand_paths(paths, &error);
  if (!error.empty()) throw UsageError{error};
  // A folder without scenarios is most likely a wrong path in a CI step; it
  // must not pass as "0 valid".
  if (files.empty()) {
    std::fprintf(stderr,
                 "leasesim validate: nothing to validate: no scenario files (*.json) under %s\n",
                 join(paths, ", ").c_str());
    return kExitBadInput;
  }
  size_t bad = 0;
  for (const std::string& file : files) {
    if (load_or_report(file))
      std::printf("ok     %s\n", file.c_str());
    else
      ++bad;
  }
  std::printf("%zu valid, %zu invalid\n", files.size() - bad, bad);
  return bad ? kExitBadInput : kExitOk;
}

int cmd_schema(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: leasesim schema\n\n"
      "Prints the JSON Schema (draft 2020-12) of scenario files, generated from the\n"
      "loader's own definitions (docs/scenario.schema.json is a copy).\n\noptions");
  opts.add_options()("help,h", "show this help");
  std::vector<std::string> extra;
  po::options_description hidden;
  hidden.add_options()("extra", po::value<std::vector<std::string>>(&extra));
  po::variables_map vm;
  if (parse_command_line(args, opts, hidden, "extra", -1, &vm)) return kExitOk;
  if (!extra.empty()) throw UsageError{"unexpected argument \"" + extra[0] + "\""};
  std::cout << scenario_schema().dump(2) << "\n";
  return kExitOk;
}

}  // namespace leasesim::cli
