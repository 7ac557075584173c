// An output file that appears whole or not at all.
//
// Data goes to "<path>.tmp-<pid>" in the same directory; commit() flushes
// and renames it onto <path> (atomic on POSIX file systems); destruction
// without commit() removes the temporary file. Every failure (unwritable
// directory, full disk) is reported as a message naming the path, never by
// an exception or a crash.
//
// A path that already exists and is not a regular file (a device such as
// /dev/null, /dev/stdout or /dev/full, a FIFO), or that names an open
// descriptor or links to one on its way (/proc/..., /dev/fd/N: /dev/stdout
// -> /proc/self/fd/1 when a shell redirected it into a file), is written
// directly: a stream cannot be whole-or-nothing anyway, and renaming a
// temporary onto it would replace the device node or the link itself (as
// root, /dev/null would become a regular file). Regular files elsewhere
// under /dev (/dev/shm) are written whole like any other. Any other
// symbolic link is written through: the temporary sits beside the file at
// the end of its chain and is renamed onto that file, so the link stays a
// link; a chain of more than 40 links (a loop) is refused at open(), as
// the kernel refuses it. A directory is refused at open().
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace leasesim {

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  // Opens the temporary file. Returns false and sets *error on failure.
  bool open(const std::string& path, std::string* error);
  bool is_open() const { return fp_ != nullptr; }
  const std::string& path() const { return path_; }

  // Buffered write; a failure is remembered and reported by commit().
  void write(std::string_view data);

  // Flushes, closes and renames into place. Returns false and sets *error
  // (and removes the temporary) if anything failed since open().
  bool commit(std::string* error);

  // Closes and removes the temporary file without publishing it.
  void abandon();

 private:
  std::FILE* fp_ = nullptr;
  std::string path_;    // as given (messages name it)
  std::string target_;  // path_ with its symbolic links followed (what is replaced)
  std::string tmp_path_;
  bool failed_ = false;
  bool direct_ = false;  // writing to path_ itself (not a regular file)
  int saved_errno_ = 0;
};

// Writes `contents` to `path` atomically. Returns false and sets *error.
bool write_file_atomically(const std::string& path, std::string_view contents, std::string* error);

}  // namespace leasesim
