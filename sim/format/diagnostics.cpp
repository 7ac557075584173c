#include "leasesim/format/diagnostics.hpp"

#include "leasesim/format/limits.hpp"

#include <algorithm>
#include <utility>

namespace leasesim {

std::string Diagnostic::format() const {
  std::string s = file;
  s += ": ";
  if (!path.empty()) {
    s += path;
    s += ": ";
  }
  s += message;
  return s;
}

namespace format {

void Sink::add_error(Diagnostic d) {
  if (errors_.size() >= scenario_limits::kMaxErrors) {
    ++dropped_;
    return;
  }
  errors_.push_back(std::move(d));
}

void Sink::error(const std::string& pointer, std::string message) {
  add_error(Diagnostic{file_, display_path(pointer), std::move(message), false});
}

void Sink::warning(const std::string& pointer, std::string message) {
  if (warnings_.size() >= scenario_limits::kMaxErrors) return;
  warnings_.push_back(Diagnostic{file_, display_path(pointer), std::move(message), true});
}

void Sink::file_error(std::string message) {
  add_error(Diagnostic{file_, "", std::move(message), false});
}

void Sink::text_error(std::string where, std::string message) {
  add_error(Diagnostic{file_, std::move(where), std::move(message), false});
}

void Sink::finish(std::vector<Diagnostic>* errors, std::vector<Diagnostic>* warnings) {
  if (dropped_ > 0) {
    errors_.push_back(Diagnostic{
        file_, "", "too many errors: " + to_text(uint64_t{dropped_}) + " more not shown", false});
    dropped_ = 0;
  }
  for (auto& d : errors_) errors->push_back(std::move(d));
  for (auto& d : warnings_) warnings->push_back(std::move(d));
  errors_.clear();
  warnings_.clear();
}

std::string display_path(const std::string& pointer) {
  return pointer.empty() ? std::string("(root)") : pointer;
}

std::string pointer_escape(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string jquote(std::string_view text) {
  return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string truncate_text(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max - 3;
  // Back up to the start of a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "...";
  return out;
}

std::string render_found(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  return truncate_text(j.dump(-1, ' ', false, json::error_handler_t::replace), 40);
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(std::string_view word, std::span<const std::string> candidates) {
  if (word.empty() || word.size() > 64) return "";
  const std::string* best = nullptr;
  size_t best_distance = 3;
  for (const std::string& c : candidates) {
    if (c == word) continue;
    const size_t d = edit_distance(word, c);
    if (d < best_distance && d < c.size()) {
      best = &c;
      best_distance = d;
    }
  }
  if (best != nullptr) return *best;
  // A prefix either way ("elect" -> "election_timeout"), at least two
  // characters long so that "a" does not suggest everything.
  for (const std::string& c : candidates) {
    const size_t common = std::min(word.size(), c.size());
    if (common >= 2 && word.substr(0, common) == std::string_view(c).substr(0, common)) return c;
  }
  return "";
}

std::string did_you_mean_suffix(std::string_view word, std::span<const std::string> candidates) {
  const std::string m = did_you_mean(word, candidates);
  if (m.empty()) return "";
  return " (did you mean " + jquote(m) + "?)";
}

std::string join_quoted(std::span<const std::string> items, std::string_view last_sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) s += (i + 1 == items.size()) ? std::string(last_sep) : std::string(", ");
    s += jquote(items[i]);
  }
  return s;
}

std::string join_plain(std::span<const std::string> items, size_t max) {
  std::string s;
  const size_t shown = std::min(items.size(), max);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) s += ", ";
    s += items[i];
  }
  if (shown < items.size()) s += ", ... (" + to_text(uint64_t{items.size()}) + " in all)";
  return s;
}

std::string to_text(uint64_t v) {
  return std::to_string(v);
}
std::string to_text(int64_t v) {
  return std::to_string(v);
}

}  // namespace format
}  // namespace leasesim
