#include "leasesim/core/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "leasesim/core/assert.hpp"

// Durability note: commit() does not fsync. The files written here (traces,
// reports) are reproducible from the scenario and seed, so surviving a power
// loss is not worth an fsync per file; what matters is that no reader and no
// later run ever sees a partial file, which the rename already guarantees.
//
// Buffering note: stdio's default buffer is kept. glibc ignores the size
// passed to setvbuf unless the caller also supplies (and then owns) the
// buffer, and fwrite of a block larger than the buffer goes straight to
// write(2); the big writer (JsonlTraceWriter) hands over 256 KiB blocks, so
// a larger stdio buffer would only add a copy.

namespace leasesim {
namespace {

std::string in_quotes(const std::string& s) {
  return "\"" + s + "\"";
}

std::string describe(const char* what, const std::string& path, int err) {
  return std::string("cannot ") + what + " " + in_quotes(path) + ": " + std::strerror(err);
}

// Whether `path` names an open descriptor (/proc/self/fd/N, /dev/fd/N, or
// anything else under /proc): written in place, never replaced. Judged on
// the absolute, lexically normal form, so "../../proc/self/fd/1" or
// "//proc/..." are seen too. Other paths under /dev are judged by what
// they are (a device is not a regular file; /dev/shm holds regular files).
bool names_a_descriptor(const std::string& path) {
  std::error_code ec;
  std::string s = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) s = path;
  while (s.size() > 1 && s[0] == '/' && s[1] == '/') s.erase(0, 1);
  return s.rfind("/proc/", 0) == 0 || s.rfind("/dev/fd/", 0) == 0;
}

// Where a write to `path` lands: `path` itself, or, if it is a symbolic
// link, the file at the end of its chain (so that the link survives and
// its target gets the contents). *stream is set if the path or a link on
// its way names an open descriptor (/dev/stdout -> /proc/self/fd/1 -> a
// pipe, a terminal, or the file a shell redirected into). False (errno
// ELOOP) for a chain longer than the kernel follows: a loop.
bool resolve_links(const std::string& path, std::string* target, bool* stream) {
  std::string at = path;
  *stream = names_a_descriptor(at);
  // The kernel's own limit on links in one path.
  for (int hop = 0; hop <= 40; ++hop) {
    struct stat lst {};
    if (::lstat(at.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) {
      *target = at;
      return true;
    }
    std::string next(static_cast<size_t>(lst.st_size > 0 ? lst.st_size : 0) + 256, '\0');
    const ssize_t n = ::readlink(at.c_str(), next.data(), next.size());
    if (n <= 0 || static_cast<size_t>(n) >= next.size()) {
      *target = at;
      return true;
    }
    next.resize(static_cast<size_t>(n));
    if (next[0] != '/') {
      // Relative to the link's folder; ".." is left to the kernel, which
      // follows it through links to folders.
      const size_t slash = at.rfind('/');
      next = (slash == std::string::npos ? std::string() : at.substr(0, slash + 1)) + next;
    }
    at = std::move(next);
    if (names_a_descriptor(at)) *stream = true;
  }
  errno = ELOOP;
  return false;
}

}  // namespace

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : fp_(std::exchange(other.fp_, nullptr)),
      path_(std::move(other.path_)),
      target_(std::move(other.target_)),
      tmp_path_(std::move(other.tmp_path_)),
      failed_(std::exchange(other.failed_, false)),
      direct_(std::exchange(other.direct_, false)),
      saved_errno_(std::exchange(other.saved_errno_, 0)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    abandon();
    fp_ = std::exchange(other.fp_, nullptr);
    path_ = std::move(other.path_);
    target_ = std::move(other.target_);
    tmp_path_ = std::move(other.tmp_path_);
    failed_ = std::exchange(other.failed_, false);
    direct_ = std::exchange(other.direct_, false);
    saved_errno_ = std::exchange(other.saved_errno_, 0);
  }
  return *this;
}

AtomicFile::~AtomicFile() {
  abandon();
}

bool AtomicFile::open(const std::string& path, std::string* error) {
  abandon();
  path_ = path;
  failed_ = false;
  saved_errno_ = 0;
  direct_ = false;
  bool stream = false;
  if (!resolve_links(path, &target_, &stream)) {
    if (error != nullptr) *error = describe("create", path, errno);
    return false;
  }
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    if (error != nullptr) *error = describe("create", path, EISDIR);
    return false;
  }
  if ((exists && !S_ISREG(st.st_mode)) || stream) {
    // A device, a FIFO, or a link to an open descriptor: see the header.
    // No temporary, no rename.
    direct_ = true;
    tmp_path_.clear();
    fp_ = std::fopen(path.c_str(), "wb");
    if (fp_ == nullptr) {
      if (error != nullptr) *error = describe("open", path, errno);
      return false;
    }
    return true;
  }
  // The pid keeps two concurrent runs writing the same output from
  // clobbering each other's temporary; the last rename wins, whole.
  tmp_path_ = target_ + ".tmp-" + std::to_string(::getpid());
  fp_ = std::fopen(tmp_path_.c_str(), "wb");
  if (fp_ == nullptr) {
    // Name the path the user asked for; the temporary's name would only
    // confuse, and the error (missing directory, permissions) is the same.
    if (error != nullptr) *error = describe("create", path, errno);
    return false;
  }
  return true;
}

void AtomicFile::write(std::string_view data) {
  LEASESIM_ASSERT(fp_ != nullptr, "AtomicFile::write on a file that is not open");
  if (failed_ || data.empty()) return;
  if (std::fwrite(data.data(), 1, data.size(), fp_) != data.size()) {
    failed_ = true;
    saved_errno_ = errno != 0 ? errno : EIO;
  }
}

bool AtomicFile::commit(std::string* error) {
  if (fp_ == nullptr) {
    if (error != nullptr) *error = "cannot write " + in_quotes(path_) + ": the file is not open";
    return false;
  }
  // The first failure is the one worth reporting (a full disk makes the
  // flush fail too, with the same cause).
  if (!failed_ && (std::fflush(fp_) != 0 || std::ferror(fp_) != 0)) {
    failed_ = true;
    saved_errno_ = errno != 0 ? errno : EIO;
  }
  if (std::fclose(fp_) != 0 && !failed_) {
    failed_ = true;
    saved_errno_ = errno != 0 ? errno : EIO;
  }
  fp_ = nullptr;
  if (direct_) {
    if (failed_ && error != nullptr) *error = describe("write", path_, saved_errno_);
    return !failed_;
  }
  if (failed_) {
    std::remove(tmp_path_.c_str());
    if (error != nullptr) *error = describe("write", path_, saved_errno_);
    return false;
  }
  if (std::rename(tmp_path_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp_path_.c_str());
    if (error != nullptr) *error = describe("replace", path_, err);
    return false;
  }
  return true;
}

void AtomicFile::abandon() {
  if (fp_ == nullptr) return;
  std::fclose(fp_);
  fp_ = nullptr;
  if (!direct_) std::remove(tmp_path_.c_str());
}

bool write_file_atomically(const std::string& path, std::string_view contents, std::string* error) {
  AtomicFile f;
  if (!f.open(path, error)) return false;
  f.write(contents);
  return f.commit(error);
}

}  // namespace leasesim
