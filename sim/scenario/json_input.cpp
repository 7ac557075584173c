// From bytes to a JSON document. nlohmann's parser does the syntax; around
// it we check what it does not: the file itself, UTF-8 everywhere (before
// parsing, so the position is exact), nesting depth (before parsing, so a
// hostile file cannot exhaust the stack) and duplicate keys (which
// nlohmann would silently collapse to the last one).
#include "json_input.hpp"

#include "leasesim/format/json_depth.hpp"
#include "leasesim/format/limits.hpp"
#include "leasesim/format/utf8.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace leasesim::scenario_detail {

namespace {

// Line and column (both 1-based; columns count characters) of byte `pos`.
std::string where(std::string_view text, size_t pos) {
  if (pos > text.size()) pos = text.size();
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < pos; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: syntax error " prefix and its "; last read: '...'" echo.
std::string short_reason(const std::string& what) {
  std::string s = what;
  if (s.rfind("[json.exception.", 0) == 0) {
    const size_t close = s.find("] ");
    if (close != std::string::npos) s.erase(0, close + 2);
  }
  if (s.rfind("parse error", 0) == 0) {
    const size_t colon = s.find(": ");
    if (colon != std::string::npos) s.erase(0, colon + 2);
  }
  if (s.rfind("syntax error ", 0) == 0) s.erase(0, 13);
  const size_t echo = s.find("; last read: '");
  if (echo != std::string::npos) {
    const size_t rest = s.find("'; ", echo + 14);
    s.erase(echo, rest == std::string::npos ? std::string::npos : rest + 1 - echo);
  }
  return s;
}

// A SAX handler that builds the document (as nlohmann's own DOM parser
// does) and notices duplicate keys and the position of a syntax error.
class DomBuilder {
 public:
  DomBuilder(nlohmann::json* root, Sink* sink) : root_(root), sink_(sink) {}

  bool null() { return add(nullptr); }
  bool boolean(bool v) { return add(v); }
  bool number_integer(nlohmann::json::number_integer_t v) { return add(v); }
  bool number_unsigned(nlohmann::json::number_unsigned_t v) { return add(v); }
  bool number_float(nlohmann::json::number_float_t v, const std::string& /*text*/) {
    return add(v);
  }
  bool string(std::string& v) { return add(std::move(v)); }
  bool binary(nlohmann::json::binary_t& v) { return add(nlohmann::json::binary(std::move(v))); }

  bool start_object(std::size_t /*size*/) { return open(nlohmann::json::object()); }
  bool key(std::string& k) {
    Frame& f = frames_.back();
    if (f.value->contains(k)) {
      sink_->error(pointer() + "/" + pointer_escape(k),
                   "duplicate key " + jquote(k) + " (each key may appear once in an object)");
    }
    f.key = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*size*/) { return open(nlohmann::json::array()); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) {
    error_position_ = position;
    // A number that overflows is only noticed once it has been read whole:
    // point at its first character rather than its last.
    if (ex.id == 406 && last_token.size() <= position) {
      error_position_ = position - last_token.size() + 1;
    }
    error_reason_ = short_reason(ex.what());
    return false;
  }

  size_t error_position() const { return error_position_; }
  const std::string& error_reason() const { return error_reason_; }

 private:
  struct Frame {
    nlohmann::json* value;
    std::string segment;  // this container's pointer segment in its parent
    std::string key;      // objects: the key whose value comes next
  };

  nlohmann::json* place(nlohmann::json&& v, std::string* segment) {
    if (frames_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    Frame& f = frames_.back();
    if (f.value->is_array()) {
      *segment = std::to_string(f.value->size());
      f.value->push_back(std::move(v));
      return &f.value->back();
    }
    *segment = pointer_escape(f.key);
    nlohmann::json& slot = (*f.value)[f.key];
    slot = std::move(v);
    return &slot;
  }
  bool add(nlohmann::json&& v) {
    std::string segment;
    place(std::move(v), &segment);
    return true;
  }
  bool open(nlohmann::json&& v) {
    std::string segment;
    nlohmann::json* where = place(std::move(v), &segment);
    frames_.push_back(Frame{where, std::move(segment), {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }
  std::string pointer() const {
    std::string p;
    for (size_t i = 1; i < frames_.size(); ++i) p += "/" + frames_[i].segment;
    return p;
  }

  nlohmann::json* root_;
  Sink* sink_;
  std::vector<Frame> frames_;
  size_t error_position_ = 0;
  std::string error_reason_;
};

}  // namespace

bool read_file_text(const std::string& path, std::string* text, Sink* sink) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    sink->file_error("cannot read the file: " + ec.message());
    return false;
  }
  if (status.type() == std::filesystem::file_type::not_found) {
    sink->file_error("cannot read the file: No such file or directory");
    return false;
  }
  if (status.type() == std::filesystem::file_type::directory) {
    sink->file_error("is a directory, not a scenario file");
    return false;
  }
  if (status.type() != std::filesystem::file_type::regular) {
    sink->file_error("is not a regular file");
    return false;
  }
  // The path goes into reports, traces and results files as a JSON string,
  // which must be UTF-8: a Latin-1 file name aborted `run --json` (the JSON
  // library throws) and left `run --out`'s temporaries behind.
  if (const size_t bad = format::first_invalid_utf8(path); bad != std::string::npos) {
    sink->file_error("the file's path is not valid UTF-8 (byte " + format::byte_text(path, bad) +
                     "); leasesim records it in JSON reports, traces and results: rename the "
                     "file, or a folder on its path");
    return false;
  }
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > scenario_limits::kMaxFileBytes) {
    sink->file_error("the file is " + std::to_string(size) +
                     " bytes; scenario files are limited to 64 MiB (use \"count\" and "
                     "\"prefix\" to generate many names)");
    return false;
  }
  errno = 0;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"),
                                                          &std::fclose);
  if (!f) {
    sink->file_error(std::string("cannot read the file: ") + std::strerror(errno));
    return false;
  }
  text->clear();
  char buf[1 << 16];
  for (;;) {
    const size_t n = std::fread(buf, 1, sizeof buf, f.get());
    text->append(buf, n);
    if (text->size() > scenario_limits::kMaxFileBytes) {
      sink->file_error("the file is larger than 64 MiB, the limit for scenario files");
      return false;
    }
    if (n < sizeof buf) break;
  }
  if (std::ferror(f.get()) != 0) {
    sink->file_error(std::string("cannot read the file: ") + std::strerror(errno));
    return false;
  }
  return true;
}

bool parse_json_text(std::string_view text, nlohmann::json* out, Sink* sink) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    sink->file_error("the file is empty (expected a JSON object)");
    return false;
  }
  const size_t bad = format::first_invalid_utf8(text);
  if (bad != std::string_view::npos) {
    sink->text_error(where(text, bad), "not valid UTF-8 (byte " + format::byte_text(text, bad) +
                                           "); scenario files must be UTF-8");
    return false;
  }
  // nlohmann's lexer takes a NUL byte for the end of the input, so whatever
  // followed one would be silently ignored. JSON text never contains one
  // (inside strings it must be escaped as \u0000).
  const size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    sink->text_error(where(text, nul), "NUL byte (0x00); scenario files must be JSON text");
    return false;
  }
  const size_t deep = format::json_too_deep_at(text);
  if (deep != std::string_view::npos) {
    sink->text_error(
        where(text, deep),
        "JSON nesting deeper than " + std::to_string(scenario_limits::kMaxJsonDepth) + " levels");
    return false;
  }
  DomBuilder builder(out, sink);
  bool parsed = false;
  try {
    parsed = nlohmann::json::sax_parse(text, &builder);
  } catch (const std::exception& e) {
    sink->file_error(std::string("cannot parse the file: ") + e.what());
    return false;
  }
  if (!parsed) {
    // nlohmann's position counts the bytes read, the offending one included.
    const size_t pos = builder.error_position() > 0 ? builder.error_position() - 1 : 0;
    sink->text_error(where(text, pos), "JSON syntax error: " + builder.error_reason());
    return false;
  }
  return true;
}

}  // namespace leasesim::scenario_detail
