// Checks made before a long computation (a shrink, a run, a campaign) that
// what it will write can be written, so that a mistyped or unwritable path
// is exit 2 at once, not after minutes of work. They only look: nothing is
// created. The writes themselves still go through AtomicFile and report
// their own errors (a disk that fills up meanwhile).
#pragma once

#include <string>
#include <vector>

namespace leasesim::cli {

// Whether a file can be written at `path`: it is not a folder, and its
// folder exists and is writable. Else false, and *why is "is a directory"
// or `cannot write into "DIR" (no such directory, or not writable)`.
bool file_can_be_written(const std::string& path, std::string* why);

// The input that writing `out` would replace (the same file, however
// spelled: fs::equivalent), or "" if none. An output only replaces a file
// that exists, so a new output never matches.
std::string input_overwritten_by(const std::string& out, const std::vector<std::string>& inputs);

// The message for that: `OPTION "OUT" is also an input (IN): writing it
// would destroy that input`.
std::string overwrites_input_message(const std::string& option, const std::string& out,
                                     const std::string& input);

// Whether `dir` is a writable folder or could be made as one: its nearest
// existing ancestor is a writable folder. Else false, and *why says what is
// in the way (`"P" is not a folder`, `"P" is not writable`).
bool folder_can_be_made(const std::string& dir, std::string* why);

}  // namespace leasesim::cli
