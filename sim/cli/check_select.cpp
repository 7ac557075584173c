#include "check_select.hpp"

#include <fnmatch.h>

#include <filesystem>
#include <map>
#include <set>

#include "cli.hpp"

namespace leasesim::cli {

bool check_pattern_matches(const std::string& pattern, const std::string& path,
                           const std::string& name) {
  if (pattern.find_first_of("*?[") == std::string::npos)
    return path.find(pattern) != std::string::npos ||
           (!name.empty() && name.find(pattern) != std::string::npos);
  auto glob = [&pattern](const std::string& s) {
    return fnmatch(pattern.c_str(), s.c_str(), 0) == 0;
  };
  if (glob(path) || (!name.empty() && glob(name))) return true;
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (glob(path.substr(slash + 1))) return true;
  return false;
}

CheckSelection select_check_files(const std::vector<std::string>& paths,
                                  const std::vector<std::string>& patterns) {
  namespace fs = std::filesystem;
  CheckSelection sel;
  std::map<std::string, size_t> skipped_index;
  std::set<std::string> seen;  // canonical paths: a file named twice runs once
  for (const std::string& p : paths) {
    std::string error;
    const std::vector<std::string> found = expand_paths({p}, &error);
    if (!error.empty()) throw UsageError{error};
    std::error_code ec;
    const bool folder = fs::is_directory(p, ec);
    for (const std::string& f : found) {
      const fs::path canonical = fs::weakly_canonical(fs::path(f), ec);
      if (!seen.insert(ec ? f : canonical.string()).second) continue;
      // Benchmark workloads (scenarios/bench/: minutes of simulated churn
      // with up to 100,000 requestors) are not checks: a folder search
      // skips every subfolder named bench; naming it runs it.
      fs::path bench;
      if (folder) {
        fs::path at = fs::path(p);
        for (const fs::path& part : fs::path(f).lexically_relative(p).parent_path()) {
          at /= part;
          if (part == "bench" && bench.empty()) bench = at;
        }
      }
      if (!bench.empty()) {
        std::string name = bench.string();
        if (name.back() != '/') name += '/';
        auto [it, added] = skipped_index.try_emplace(name, sel.skipped.size());
        if (added) sel.skipped.push_back(SkippedFolder{name, {}});
        sel.skipped[it->second].files.push_back(f);
        continue;
      }
      ++sel.found;
      LoadResult r = load_scenario_file(f);
      CheckFile cf;
      cf.path = f;
      cf.errors = std::move(r.errors);
      cf.warnings = std::move(r.warnings);
      if (cf.errors.empty() && r.scenario) cf.scenario = std::move(r.scenario);
      bool keep = patterns.empty();
      for (const std::string& k : patterns)
        keep = keep || check_pattern_matches(k, f, cf.scenario ? cf.scenario->name : "");
      if (keep) sel.files.push_back(std::move(cf));
    }
  }
  return sel;
}

}  // namespace leasesim::cli
