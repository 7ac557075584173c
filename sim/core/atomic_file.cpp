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

}  // namespace

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : fp_(std::exchange(other.fp_, nullptr)),
      path_(std::move(other.path_)),
      tmp_path_(std::move(other.tmp_path_)),
      failed_(std::exchange(other.failed_, false)),
      direct_(std::exchange(other.direct_, false)),
      saved_errno_(std::exchange(other.saved_errno_, 0)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    abandon();
    fp_ = std::exchange(other.fp_, nullptr);
    path_ = std::move(other.path_);
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
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      if (error != nullptr) *error = describe("create", path, EISDIR);
      return false;
    }
    // A device or FIFO: see the header. No temporary, no rename.
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
  tmp_path_ = path + ".tmp-" + std::to_string(::getpid());
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
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
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
