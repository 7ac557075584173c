#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "cli.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim::cli {

std::optional<Scenario> load_or_report(const std::string& path, bool show_warnings) {
  LoadResult r = load_scenario_file(path);
  if (show_warnings)
    for (const Diagnostic& d : r.warnings)
      std::fprintf(stderr, "warning: %s\n", d.format().c_str());
  for (const Diagnostic& d : r.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
  if (!r.ok()) return std::nullopt;
  return std::move(r.scenario);
}

std::vector<std::string> expand_paths(const std::vector<std::string>& paths, std::string* error) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      *error = "\"" + p + "\": no such file or directory";
      return {};
    }
    if (!fs::is_directory(st)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".json")
        found.push_back(it->path().string());
    }
    if (ec) {
      *error = "cannot list \"" + p + "\": " + ec.message();
      return {};
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

Duration parse_duration_arg(const std::string& option, const std::string& text) {
  Duration d;
  std::string error;
  if (!parse_duration(text, &d, &error)) throw UsageError{"--" + option + ": " + error};
  return d;
}

bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& visible,
                        const boost::program_options::options_description& hidden,
                        const char* positional, int count,
                        boost::program_options::variables_map* vm) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add(positional, count);
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), *vm);
  po::notify(*vm);
  if (vm->count("help") == 0) return false;
  std::cout << visible << "\n";
  return true;
}

}  // namespace leasesim::cli
