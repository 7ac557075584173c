// What `leasesim check` runs: the scenario files under its paths (folders
// searched recursively for *.json, in sorted order, subfolders named bench
// skipped and counted), each loaded (or its errors kept), then filtered by
// -k patterns.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "leasesim/scenario/loader.hpp"

namespace leasesim::cli {

struct CheckFile {
  std::string path;                  // as found (the folder as given + relative part)
  std::optional<Scenario> scenario;  // nullopt: could not be loaded
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

struct SkippedFolder {
  std::string folder;  // "scenarios/bench/"
  std::vector<std::string> files;
};

struct CheckSelection {
  std::vector<CheckFile> files;        // selected, in order
  std::vector<SkippedFolder> skipped;  // bench folders a folder search skipped
  size_t found = 0;                    // files found before -k
};

// Finds and loads the files under `paths`, keeping those that match any of
// `patterns` (all when there are none). Throws UsageError for a path that
// does not exist.
CheckSelection select_check_files(const std::vector<std::string>& paths,
                                  const std::vector<std::string>& patterns);

// -k PATTERN: a glob (with *, ? or [...]) matching the whole path, a tail of
// it that starts after a '/' ("failover/*"), or the scenario's name; else a
// substring of the path or of the name. `name` is empty for a file that
// could not be loaded.
bool check_pattern_matches(const std::string& pattern, const std::string& path,
                           const std::string& name);

}  // namespace leasesim::cli
