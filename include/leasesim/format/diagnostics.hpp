// Diagnostics of scenario files: what the loader (and every protocol
// module reading its own block) reports, collected in one place, and the
// small text helpers every message uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace leasesim {

// One problem (or warning) found in a scenario file.
struct Diagnostic {
  std::string file;
  std::string path;  // JSON pointer, "(root)", "line L, column C", or "" for the file itself
  std::string message;
  bool warning = false;
  // "<file>: <path>: <message>" ("<file>: <message>" when path is empty).
  std::string format() const;
};

}  // namespace leasesim

namespace leasesim::format {

using nlohmann::json;

// Collects errors and warnings for one file. Paths are JSON pointers
// ("" is the root and prints as "(root)"), or free text such as
// "line 3, column 5". Keeps the first scenario_limits::kMaxErrors errors.
class Sink {
 public:
  explicit Sink(std::string file) : file_(std::move(file)) {}

  void error(const std::string& pointer, std::string message);
  void warning(const std::string& pointer, std::string message);
  // A diagnostic about the file as a whole (no path).
  void file_error(std::string message);
  // A diagnostic at a text position (syntax errors).
  void text_error(std::string where, std::string message);

  size_t error_count() const { return errors_.size() + dropped_; }
  const std::string& file() const { return file_; }
  // Moves the diagnostics out, adding a "too many errors" line if some
  // were dropped.
  void finish(std::vector<Diagnostic>* errors, std::vector<Diagnostic>* warnings);

 private:
  void add_error(Diagnostic d);
  std::string file_;
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
  size_t dropped_ = 0;
};

// "(root)" for the empty pointer, the pointer otherwise.
std::string display_path(const std::string& pointer);
// Escapes a key for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_escape(std::string_view key);

// `"text"` with JSON escaping.
std::string jquote(std::string_view text);
// A found value for a message: "an object", "an array", or the scalar as
// compact JSON (strings quoted), at most 40 characters.
std::string render_found(const json& j);
// Cuts text to at most `max` bytes on a UTF-8 boundary, ending in "...".
std::string truncate_text(std::string_view text, size_t max);

size_t edit_distance(std::string_view a, std::string_view b);
// The best near miss of `word` among candidates (Levenshtein distance <= 2,
// or one a prefix of the other), or "" if none.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);
// " (did you mean "x"?)" or "".
std::string did_you_mean_suffix(std::string_view word, std::span<const std::string> candidates);

// `"a", "b" or "c"` / `a, b, c` with at most `max` items shown, then
// ", ... (N in all)".
std::string join_quoted(std::span<const std::string> items, std::string_view last_sep);
std::string join_plain(std::span<const std::string> items, size_t max);

std::string to_text(uint64_t v);
std::string to_text(int64_t v);

}  // namespace leasesim::format
