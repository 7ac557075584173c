#include "junit.hpp"

#include <cstdio>
#include <filesystem>
#include <map>

namespace leasesim::cli {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if there is none.
size_t utf8_length(const std::string& s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
      (c == 0xF4 && c1 > 0x8F))
    return 0;  // overlong, surrogate, or beyond U+10FFFF
  return n;
}

std::string escape(const std::string& s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = utf8_length(s, i);
      if (n == 0) {
        out += '?';
        ++i;
      } else {
        out.append(s, i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += attribute ? "&quot;" : "\"";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += c < 0x20 || c == 0x7F ? '?' : static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

struct Totals {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double seconds = 0.0;
  void add(const JunitCase& c) {
    ++tests;
    seconds += c.seconds;
    failures += c.outcome == JunitCase::Outcome::kFailed;
    errors += c.outcome == JunitCase::Outcome::kError;
    skipped += c.outcome == JunitCase::Outcome::kSkipped;
  }
  std::string attributes() const {
    return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
           "\" time=\"" + seconds_text(seconds) + "\"";
  }
};

}  // namespace

std::string junit_classname(const std::string& file) {
  std::string folder = std::filesystem::path(file).lexically_normal().parent_path().string();
  while (!folder.empty() && (folder.front() == '/' || folder.front() == '.')) folder.erase(0, 1);
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  for (char& c : folder)
    if (c == '/') c = '.';
  return folder.empty() ? "leasesim" : folder;
}

std::string junit_xml(const std::string& name, const std::vector<JunitCase>& cases,
                      const std::vector<std::pair<std::string, std::string>>& properties) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const JunitCase*>> suites;
  Totals all;
  for (const JunitCase& c : cases) {
    auto [it, added] = suites.try_emplace(c.classname);
    if (added) order.push_back(c.classname);
    it->second.push_back(&c);
    all.add(c);
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"" + escape(name, true) + "\"" + all.attributes() + ">\n";
  for (const std::string& suite : order) {
    Totals t;
    for (const JunitCase* c : suites[suite]) t.add(*c);
    x += "  <testsuite name=\"" + escape(suite, true) + "\"" + t.attributes() + ">\n";
    if (!properties.empty()) {
      x += "    <properties>\n";
      for (const auto& [k, v] : properties)
        x += "      <property name=\"" + escape(k, true) + "\" value=\"" + escape(v, true) +
             "\"/>\n";
      x += "    </properties>\n";
    }
    for (const JunitCase* c : suites[suite]) {
      x += "    <testcase classname=\"" + escape(c->classname, true) + "\" name=\"" +
           escape(c->name, true) + "\" file=\"" + escape(c->file, true) + "\" time=\"" +
           seconds_text(c->seconds) + "\"";
      const char* tag = c->outcome == JunitCase::Outcome::kFailed  ? "failure"
                        : c->outcome == JunitCase::Outcome::kError ? "error"
                                                                   : nullptr;
      if (!tag && c->outcome != JunitCase::Outcome::kSkipped && c->out.empty()) {
        x += "/>\n";
        continue;
      }
      x += ">\n";
      if (tag) {
        x += "      <" + std::string(tag) + " message=\"" + escape(c->message, true) +
             "\" type=\"" + escape(c->type, true) + "\">" + escape(c->text, false) + "</" + tag +
             ">\n";
      } else if (c->outcome == JunitCase::Outcome::kSkipped) {
        x += "      <skipped message=\"" + escape(c->message, true) + "\"/>\n";
      }
      if (!c->out.empty()) x += "      <system-out>" + escape(c->out, false) + "</system-out>\n";
      x += "    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

}  // namespace leasesim::cli
