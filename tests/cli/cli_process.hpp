// Runs the leasesim executable (LEASESIM_BINARY) as a child process for the
// CLI tests: arguments without a shell, optional working directory, stdin
// from /dev/null, stdout and stderr captured whole, and a deadline after
// which the child is killed (a hang is a test failure, not a stuck CI).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace leasesim::testing {

struct CliResult {
  int exit_code = -1;  // -1: killed by a signal (see signal) or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A started child; finish() waits for it (killing it at the deadline).
class CliProcess {
 public:
  struct Options {
    std::filesystem::path cwd;  // empty: the test's own
    std::string program;        // empty: LEASESIM_BINARY, args follow it
    std::string stdout_path;    // empty: captured
  };
  CliProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd = {})
      : CliProcess(args, Options{cwd, {}, {}}) {}
  CliProcess(const std::vector<std::string>& args, const Options& o) {
    static int counter = 0;
    const std::filesystem::path base =
        std::filesystem::temp_directory_path() /
        ("leasesim-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    out_path_ = base.string() + ".out";
    err_path_ = base.string() + ".err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (o.stdout_path.empty())
      posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                       0600);
    else
      posix_spawn_file_actions_addopen(&fa, 1, o.stdout_path.c_str(), O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, o.cwd.c_str());
    const std::string program = o.program.empty() ? std::string(LEASESIM_BINARY) : o.program;
    std::vector<std::string> argv_s;
    argv_s.push_back(program);
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, program.c_str(), &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~CliProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove(out_path_, ec);
    std::filesystem::remove(err_path_, ec);
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const {
    if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
  }
  // The child's stdout so far (for waiting on progress lines).
  std::string out_so_far() const { return slurp(out_path_); }
  std::string err_so_far() const { return slurp(err_path_); }

  CliResult finish(std::chrono::seconds deadline = std::chrono::seconds(120)) {
    CliResult r;
    if (pid_ <= 0) {
      r.err = "cannot start " + std::string(LEASESIM_BINARY);
      return r;
    }
    const auto until = std::chrono::steady_clock::now() + deadline;
    int status = 0;
    for (;;) {
      const pid_t w = ::waitpid(pid_, &status, WNOHANG);
      if (w == pid_) break;
      if (std::chrono::steady_clock::now() > until) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        r.timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    reaped_ = true;
    if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = slurp(out_path_);
    r.err = slurp(err_path_);
    return r;
  }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_path_;
  std::string err_path_;
};

inline CliResult run_with(const std::vector<std::string>& args, const CliProcess::Options& o,
                          std::chrono::seconds deadline = std::chrono::seconds(120)) {
  CliProcess p(args, o);
  return p.finish(deadline);
}

inline CliResult run_cli(const std::vector<std::string>& args,
                         const std::filesystem::path& cwd = {},
                         std::chrono::seconds deadline = std::chrono::seconds(120)) {
  CliProcess p(args, cwd);
  return p.finish(deadline);
}

// A fresh, empty directory under the temp dir, removed with the object.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ =
        std::filesystem::temp_directory_path() /
        ("leasesim-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    // Restore permissions the tests took away, so removal works.
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

}  // namespace leasesim::testing
