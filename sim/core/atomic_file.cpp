#include "leasesim/core/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string describe(const char* what, const std::string& path, int err) {
  return std::string("cannot ") + what + " " + quoted(path) + ": " + std::strerror(err);
}

bool under(const std::string& path, const char* dir) {
  return path.rfind(dir, 0) == 0;
}

// Where a write to `path` lands: `path` itself, or, if it is a symbolic
// link, the file at the end of its chain (so that the link survives and
// its target gets the contents). *stream is set if the chain passes
// through /dev or /proc: a link to an open descriptor (/dev/stdout ->
// /proc/self/fd/1 -> a pipe, a terminal, or the file a shell redirected
// into), which must be written in place, never replaced.
std::string resolve_links(const std::string& path, bool* stream) {
  std::string at = path;
  *stream = under(at, "/dev/") || under(at, "/proc/");
  // 40 hops, as the kernel allows; a loop ends here and fails at open.
  for (int hop = 0; hop < 40; ++hop) {
    struct stat lst {};
    if (::lstat(at.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) break;
    std::string next(static_cast<size_t>(lst.st_size > 0 ? lst.st_size : 0) + 256, '\0');
    const ssize_t n = ::readlink(at.c_str(), next.data(), next.size());
    if (n < 0 || static_cast<size_t>(n) >= next.size()) break;
    next.resize(static_cast<size_t>(n));
    if (next.empty()) break;
    if (next[0] != '/') {
      const size_t slash = at.rfind('/');
      next = (slash == std::string::npos ? std::string() : at.substr(0, slash + 1)) + next;
    }
    at = std::move(next);
    if (under(at, "/dev/") || under(at, "/proc/")) *stream = true;
  }
  return at;
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
  target_ = resolve_links(path, &stream);
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
    if (error != nullptr) *error = "cannot write " + quoted(path_) + ": the file is not open";
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
