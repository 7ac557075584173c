// Helpers shared by the scenario tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "leasesim/scenario/loader.hpp"

namespace leasesim::testing {

// A fresh scratch directory per test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("leasesim-scn-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command; returns its exit status and sets *output to what it
// printed (stdout and stderr).
inline int run_command(const std::string& command, std::string* output) {
  output->clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  return ::pclose(p);
}

inline std::vector<std::string> formatted(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(d.format());
  return out;
}

// A complete scenario exercising every section (docs/scenario-format.md
// shows the same file).
inline const char* kFullExample = R"({
  "name": "leader-failover",
  "description": "Crash the leader while alice holds db and writes; others compete.",
  "seed": 42,
  "duration": "60s",
  "protocol": {
    "name": "raft-lease",
    "preset": "seed",
    "knobs": {"anchor": "send", "margin": {"kind": "fixed", "fixed": "10ms"}, "fencing": true}
  },
  "core": {
    "servers": 5,
    "election_timeout": {"min": "150ms", "max": "300ms"},
    "heartbeat": "50ms",
    "snapshot_every": 1000,
    "max_append_entries": 32
  },
  "lease": {"ttl": "5s"},
  "resources": ["db", "queue"],
  "requestors": [
    {"name": "alice", "resources": ["db"], "hold": "forever", "write_every": "200ms"},
    {"names": ["bob", "carol"], "resources": "all", "choice": "cycle", "start": "1s",
     "hold": {"min": "1s", "max": "3s"}, "ttl": "10s"},
    {"count": 3, "prefix": "c", "think": "0s", "backoff": "1s", "max_holds": 4}
  ],
  "network": {
    "latency": {"dist": "lognormal", "median": "5ms", "sigma": 0.5, "floor": "1ms"},
    "loss": 0.01,
    "links": [
      {"from": "n1", "to": "alice", "symmetric": true,
       "latency": {"dist": "constant", "value": "50ms"}}
    ]
  },
  "clocks": {
    "default": {"drift_ppm": 10},
    "nodes": {"n1": {"offset": "-20ms", "drift_ppm": 150.5}, "alice": {"drift_ppm": -0.0015}}
  },
  "faults": [
    {"at": "20s", "kind": "heal"},
    {"at": "10s", "kind": "crash", "target": "leader", "duration": "5s"},
    {"at": "10s", "kind": "partition", "groups": [["n1", "n2"], ["n3", "n4", "n5"]]},
    {"at": "12s", "kind": "pause", "target": "holder:db", "duration": "8s"},
    {"at": "30s", "kind": "clock_step", "target": "n2", "by": "-2s"},
    {"at": "31s", "kind": "drift", "target": "n3", "ppm": 500},
    {"at": "40s", "kind": "network", "duration": "5s", "loss": 0.2},
    {"at": "45s", "kind": "cut", "from": "n1", "to": "n2"},
    {"at": "46s", "kind": "isolate", "target": "storage"},
    {"at": "50s", "kind": "restart", "target": "n1"}
  ],
  "expect": {"safety": "holds", "min_availability": 0.5, "min_grants": 1, "min_elections": 1,
             "max_elections": 10}
}
)";

}  // namespace leasesim::testing
