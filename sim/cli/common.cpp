#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>
#include <system_error>

#include "cli.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim::cli {

std::optional<Scenario> load_or_report(const std::string& path, bool show_warnings) {
  LoadResult r = load_scenario_file(path);
  if (show_warnings)
    for (const Diagnostic& d : r.warnings)
      std::fprintf(stderr, "warning: %s\n", d.format().c_str());
  for (const Diagnostic& d : r.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
  if (!r.ok()) return std::nullopt;
  return std::move(r.scenario);
}

std::vector<std::string> expand_paths(const std::vector<std::string>& paths, std::string* error) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    // A dangling symlink is "not found" without an error code; other errors
    // (a symlink loop, a path through a file) are named as they are.
    if (ec && ec != std::errc::no_such_file_or_directory) {
      *error = "\"" + p + "\": " + ec.message();
      return {};
    }
    if (ec || !fs::exists(st)) {
      *error = "\"" + p + "\": no such file or directory";
      return {};
    }
    if (!fs::is_directory(st)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      // Hidden folders (.git, .vscode) hold tools' files, not scenarios.
      const std::string name = it->path().filename().string();
      // The error_code forms: an entry whose type cannot be read (a
      // symlink loop) threw from the throwing ones, and leasesim aborted.
      std::error_code type_ec;
      if (it->is_directory(type_ec) && !name.empty() && name[0] == '.') {
        it.disable_recursion_pending();
        continue;
      }
      const bool regular = it->is_regular_file(type_ec);
      // Such an entry named *.json is kept, for the loader to say what is
      // wrong with it; a dangling link (not found) is skipped as before.
      const bool unreadable = type_ec && type_ec != std::errc::no_such_file_or_directory;
      if ((regular || unreadable) && it->path().extension() == ".json")
        found.push_back(it->path().string());
    }
    if (ec) {
      *error = "cannot list \"" + p + "\": " + ec.message();
      return {};
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  // A file named twice (itself and by its folder, or spelled two ways) is
  // one scenario: keep its first appearance.
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (std::string& f : out) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(fs::path(f), ec);
    if (seen.insert(ec ? f : canonical.string()).second) unique.push_back(std::move(f));
  }
  return unique;
}

Duration parse_duration_arg(const std::string& option, const std::string& text) {
  Duration d;
  std::string error;
  if (!parse_duration(text, &d, &error)) throw UsageError{"--" + option + ": " + error};
  return d;
}

uint64_t parse_count_arg(const std::string& option, const std::string& text, uint64_t min) {
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  // A whole number past 2^64 - 1 is out of range, not "not a whole number".
  if (ec == std::errc::result_out_of_range && p == text.data() + text.size()) {
    throw UsageError{"--" + option + ": expected a whole number from " + std::to_string(min) +
                     " to 18446744073709551615, found \"" + text + "\""};
  }
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < min) {
    throw UsageError{"--" + option + ": expected a whole number, " + std::to_string(min) +
                     " or more, found \"" + text + "\""};
  }
  return v;
}

uint64_t parse_seed_arg(const std::string& option, const std::string& text) {
  if (!text.empty() && text[0] == '-')
    throw UsageError{"--" + option + ": seeds cannot be negative (found \"" + text +
                     "\"); expected a whole number from 0 to 18446744073709551615"};
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size())
    throw UsageError{"--" + option +
                     ": expected a seed, a whole number from 0 to 18446744073709551615, found \"" +
                     text + "\""};
  return v;
}

namespace {

// Optimal string alignment distance: Levenshtein plus adjacent
// transpositions ("chekc" is one edit from "check").
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& known) {
  if (typed.empty()) return "";
  std::vector<std::string> best;
  // A unique prefix ("exp" for "explore") is the likeliest intent.
  for (const std::string& k : known)
    if (k.size() > typed.size() && k.compare(0, typed.size(), typed) == 0) best.push_back(k);
  if (best.size() != 1) {
    best.clear();
    // Short words get one edit, longer ones two: "rn" -> "run", "chekc" -> "check".
    const size_t limit = typed.size() <= 4 ? 1 : 2;
    size_t best_d = limit + 1;
    for (const std::string& k : known) {
      const size_t d = edit_distance(typed, k);
      if (d < best_d) {
        best_d = d;
        best.clear();
      }
      if (d == best_d && std::find(best.begin(), best.end(), k) == best.end()) best.push_back(k);
    }
  }
  if (best.empty()) return "";
  std::string s = "; did you mean ";
  for (size_t i = 0; i < best.size() && i < 3; ++i)
    s += (i == 0 ? "" : i + 1 == best.size() || i == 2 ? " or " : ", ") + ("\"" + best[i] + "\"");
  return s + "?";
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? separator : "") + parts[i];
  return s;
}

bool parse_command_line(const std::vector<std::string>& args,
                        const boost::program_options::options_description& visible,
                        const boost::program_options::options_description& hidden,
                        const char* positional, int count,
                        boost::program_options::variables_map* vm) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add(positional, count);
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), *vm);
  } catch (const po::unknown_option& e) {
    // Boost's message, and the option the user probably meant.
    std::vector<std::string> names;
    for (const auto& o : visible.options())
      if (!o->long_name().empty()) names.push_back("--" + o->long_name());
    throw UsageError{std::string(e.what()) + did_you_mean(e.get_option_name(), names)};
  } catch (const po::too_many_positional_options_error&) {
    // Boost's "too many positional options have been specified" named
    // neither the argument nor the limit (`run a.json b.json`, or a seed
    // given without --seed): read them all to name the first one too many.
    po::positional_options_description any;
    any.add(positional, -1);
    std::vector<std::string> given;
    for (const po::option& o :
         po::command_line_parser(args).options(all).positional(any).run().options)
      if (o.position_key >= 0) given.insert(given.end(), o.value.begin(), o.value.end());
    const size_t allowed = static_cast<size_t>(count);
    if (given.size() <= allowed) throw;
    throw UsageError{"unexpected argument \"" + given[allowed] + "\": expected " +
                     (allowed == 1 ? "one argument" : std::to_string(allowed) + " arguments") +
                     " besides the options"};
  }
  // An empty value is what a script passes for an unset variable
  // (`--junit "$JUNIT"`); taken as "not given" it silently dropped an output
  // or a setting. No option or argument of leasesim means anything empty.
  for (const auto& [name, value] : *vm) {
    if (value.defaulted()) continue;
    // A switch (--help, --json) takes no value; Boost stores it as "".
    const po::option_description* d = all.find_nothrow(name, false);
    if (d != nullptr && d->semantic()->max_tokens() == 0) continue;
    bool empty = false;
    if (const auto* s = boost::any_cast<std::string>(&value.value())) empty = s->empty();
    if (const auto* l = boost::any_cast<std::vector<std::string>>(&value.value()))
      empty = std::any_of(l->begin(), l->end(), [](const std::string& x) { return x.empty(); });
    if (!empty) continue;
    if (name == positional) {
      std::string what = name;
      for (char& c : what) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const bool vowel = std::string("AEIOU").find(what[0]) != std::string::npos;
      throw UsageError{std::string("expected ") + (vowel ? "an " : "a ") + what +
                       ", found an empty argument"};
    }
    // Boost keys a short-only option by "-k", a long one by its name.
    const std::string shown =
        name.rfind('-', 0) == 0 ? name : (name.size() == 1 ? "-" : "--") + name;
    throw UsageError{shown + ": expected a value, found an empty one"};
  }
  po::notify(*vm);
  if (vm->count("help") == 0) return false;
  std::cout << visible << "\n";
  return true;
}

}  // namespace leasesim::cli
