#include "plot.hpp"

#include "output_paths.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

extern char** environ;

namespace leasesim::cli {
namespace {

namespace fs = std::filesystem;

// The plotting script. An installed binary (PREFIX/bin/leasesim) finds it in
// PREFIX/share/leasesim/scripts (cmake --install puts it there); a build
// directory sits in the source tree (build/leasesim -> ../scripts); the
// compile-time source directory covers binaries built elsewhere.
std::string find_script(const char* name) {
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "share" / "leasesim" / "scripts" / name);
    candidates.push_back(exe.parent_path().parent_path() / "scripts" / name);
    candidates.push_back(exe.parent_path() / "scripts" / name);
  }
#ifdef LEASESIM_SOURCE_DIR
  candidates.push_back(fs::path(LEASESIM_SOURCE_DIR) / "scripts" / name);
#endif
  for (const fs::path& p : candidates)
    if (fs::is_regular_file(p, ec)) return p.string();
  return {};
}

// Runs argv[0] with argv; stdout/stderr go to /dev/null if `quiet`.
// Returns the exit status, or -1 (and errno text in *error) if it could not start.
// The child's stdout goes nowhere: ours is the report (JSON under --json),
// and `run --plot` names the picture itself. Its stderr is ours unless
// `quiet`.
int run(const std::vector<std::string>& args, bool quiet, std::string* error) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  if (quiet) posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  // posix_spawnp: a Python given by name ("python3") is looked up on PATH.
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = std::strerror(rc);
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *error = std::strerror(errno);
      return -1;
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  *error = "killed by signal " + std::to_string(WTERMSIG(status));
  return -1;
}

}  // namespace

PlotPython choose_python(const std::string& option) {
  if (!option.empty()) return {option, "--python"};
  const char* env = std::getenv("LEASESIM_PYTHON");
  if (env != nullptr && *env != '\0') return {env, "LEASESIM_PYTHON"};
  return {kPython, "the default"};
}

bool plot_ready(const std::string& out_file, const PlotPython& python, std::string* script,
                std::string* error) {
  std::string ext = fs::path(out_file).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".png" && ext != ".svg" && ext != ".pdf") {
    *error = "--plot \"" + out_file + "\": expected a file ending in .png, .svg or .pdf";
    return false;
  }
  // Fail before the run, not after it, if the picture cannot be written.
  if (std::string why; !file_can_be_written(out_file, &why)) {
    *error = "--plot \"" + out_file + "\": " + why;
    return false;
  }
  *script = find_script("plot_timeline.py");
  if (script->empty()) {
    *error =
        "--plot: cannot find plot_timeline.py (looked in share/leasesim/scripts next to the "
        "installed binary, in scripts/ of its source tree, and in its source directory)";
    return false;
  }
  const std::string remedies =
      "install matplotlib for it (Debian: apt-get install python3-matplotlib), or point "
      "LEASESIM_PYTHON (or --python) at a Python that has matplotlib";
  const std::string which = python.path + " (" + python.source + ")";
  std::string why;
  const int rc = run({python.path, "-c", "import matplotlib"}, true, &why);
  if (rc < 0) {
    *error = "--plot: cannot run the Python " + which + ": " + why + "; " + remedies;
    return false;
  }
  if (rc != 0) {
    *error = "--plot needs matplotlib, which the Python " + which + " cannot import; " + remedies;
    return false;
  }
  return true;
}

bool run_plot(const PlotPython& python, const std::string& script, const std::string& trace,
              const std::string& out, TimePoint end, std::string* error) {
  // The picture must be new after the script: a Python that exits 0
  // without drawing is not taken at its word.
  struct stat before {};
  const bool existed = ::stat(out.c_str(), &before) == 0;
  std::string why;
  // The window ends where the run did: the trace's last record may be
  // earlier (a run that ended before anything happened has none after 0).
  const std::string to = std::to_string(end.ns()) + "ns";
  const int rc = run({python.path, script, trace, out, "--to", to}, false, &why);
  if (rc == 0) {
    struct stat after {};
    const bool changed =
        ::stat(out.c_str(), &after) == 0 && (!existed || after.st_ino != before.st_ino ||
                                             after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
                                             after.st_mtim.tv_nsec != before.st_mtim.tv_nsec);
    if (changed) return true;
    *error = script + " exited 0 with " + python.path + " but wrote no picture at " + out;
    return false;
  }
  *error = rc < 0 ? "could not run " + script + " with " + python.path + ": " + why
                  : script + " failed (exit code " + std::to_string(rc) + ")";
  return false;
}

bool TeeSink::finish(std::string* error) {
  bool ok = true;
  for (TraceSink* s : sinks_) {
    std::string e;
    if (!s->finish(&e) && ok) {
      ok = false;
      *error = e;
    }
  }
  return ok;
}

TempPath::TempPath(const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/leasesim-XXXXXX" + suffix;
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const int fd = mkstemps(buf.data(), static_cast<int>(suffix.size()));
  if (fd >= 0) {
    close(fd);
    path_ = buf.data();
  } else {
    // Fall back to a name in the working directory; the writer reports
    // a failure to create it like any other output.
    path_ = "leasesim-trace-" + std::to_string(getpid()) + suffix;
  }
}

TempPath::~TempPath() {
  std::error_code ec;
  if (!path_.empty()) fs::remove(path_, ec);
}

}  // namespace leasesim::cli
