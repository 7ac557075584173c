#include "output_paths.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace leasesim::cli {

namespace fs = std::filesystem;

bool file_can_be_written(const std::string& path, std::string* why) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *why = "is a directory";
    return false;
  }
  const fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  if (ec || !fs::is_directory(dir, ec) || access(dir.c_str(), W_OK) != 0) {
    *why = "cannot write into \"" + dir.string() + "\" (no such directory, or not writable)";
    return false;
  }
  return true;
}

std::string input_overwritten_by(const std::string& out, const std::vector<std::string>& inputs) {
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (fs::equivalent(out, in, ec) && !ec) return in;
  }
  return "";
}

std::string overwrites_input_message(const std::string& option, const std::string& out,
                                     const std::string& input) {
  return option + " \"" + out + "\" is also an input (" + input +
         "): writing it would destroy that input";
}

bool folder_can_be_made(const std::string& dir, std::string* why) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(dir), ec);
  if (ec) {
    *why = ec.message();
    return false;
  }
  while (!fs::exists(p, ec)) {
    if (!p.has_parent_path() || p.parent_path() == p) break;
    p = p.parent_path();
  }
  if (!fs::is_directory(p, ec)) {
    *why = "\"" + p.string() + "\" is not a folder";
    return false;
  }
  if (access(p.c_str(), W_OK) != 0) {
    *why = "\"" + p.string() + "\" is not writable";
    return false;
  }
  return true;
}

}  // namespace leasesim::cli
