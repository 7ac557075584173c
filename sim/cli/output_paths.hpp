// Checks made before a long computation (a shrink, a run, a campaign) that
// what it will write can be written, so that a mistyped or unwritable path
// is exit 2 at once, not after minutes of work. They only look: nothing is
// created. The writes themselves still go through AtomicFile and report
// their own errors (a disk that fills up meanwhile).
#pragma once

#include <string>

namespace leasesim::cli {

// Whether a file can be written at `path`: it is not a folder, and its
// folder exists and is writable. Else false, and *why is "is a directory"
// or `cannot write into "DIR" (no such directory, or not writable)`.
bool file_can_be_written(const std::string& path, std::string* why);

// Whether `dir` is a writable folder or could be made as one: its nearest
// existing ancestor is a writable folder. Else false, and *why says what is
// in the way (`"P" is not a folder`, `"P" is not writable`).
bool folder_can_be_made(const std::string& dir, std::string* why);

}  // namespace leasesim::cli
