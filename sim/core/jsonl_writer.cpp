#include "leasesim/core/jsonl_writer.hpp"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>

namespace leasesim {
namespace {

// Blocks handed to the file: big enough that write(2) calls are rare, small
// enough that a long run's trace is never held in memory.
constexpr size_t kFlushThreshold = 256 * 1024;

void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

bool needs_escape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

// Appends `s` as a JSON string literal. Names come from scenario files, so
// quotes, backslashes and control characters must not break the line
// structure; other bytes (UTF-8) pass through unchanged.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!needs_escape(c)) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, 6);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_key(std::string& out, const char* name) {
  out += ',';
  append_json_string(out, name);
  out += ':';
}

}  // namespace

JsonlTraceWriter::JsonlTraceWriter(const TraceSchema& schema, AtomicFile file)
    : schema_(schema), file_(std::move(file)) {
  line_.reserve(kFlushThreshold + 4096);
}

void JsonlTraceWriter::append_name(uint8_t table, uint64_t index) {
  // UINT32_MAX is "none" (kNoNode, kInvalidNode): null. Any other index
  // outside the table is printed as the number: the record is still
  // complete and the discrepancy is visible, rather than hidden or fatal in
  // a diagnostic output.
  if (index == UINT32_MAX) {
    line_ += "null";
    return;
  }
  if (table < name_table::kCount) {
    const std::vector<std::string>& names = schema_.names(table);
    if (index < names.size()) {
      append_json_string(line_, names[static_cast<size_t>(index)]);
      return;
    }
  }
  append_uint(line_, index);
}

void JsonlTraceWriter::write(const Record& r) {
  line_ += "{\"t\":";
  append_int(line_, r.time.ns());
  line_ += ",\"lt\":";
  append_int(line_, r.local.ns());
  line_ += ",\"n\":";
  if (r.node == kNoNode) {
    line_ += "null";
  } else {
    append_name(name_table::kNodes, r.node);
  }
  line_ += ",\"k\":";

  const KindDesc* desc = schema_.find(r.kind);
  if (desc == nullptr) {
    // Unknown kind: keep every bit of the record so nothing is lost even
    // when a layer forgot to register its kinds.
    line_ += "\"kind_";
    append_uint(line_, r.kind);
    line_ += "\",\"f\":[";
    bool first = true;
    for (const uint64_t v : r.f) {
      if (!first) line_ += ',';
      first = false;
      append_uint(line_, v);
    }
    line_ += "]}\n";
  } else {
    append_json_string(line_, desc->name);
    for_each_field(*desc, r, [this](const FieldDesc& fd, uint64_t v) {
      append_key(line_, fd.name);
      switch (fd.type) {
        case FieldType::kUint:
          append_uint(line_, v);
          break;
        case FieldType::kInt:
        case FieldType::kDuration:
        case FieldType::kTime:
          append_int(line_, static_cast<int64_t>(v));
          break;
        case FieldType::kBool:
          line_ += v != 0 ? "true" : "false";
          break;
        case FieldType::kName:
          append_name(fd.table, v);
          break;
        case FieldType::kEnum:
          if (fd.enum_names != nullptr && v < fd.enum_count) {
            append_json_string(line_, fd.enum_names[v]);
          } else {
            append_uint(line_, v);
          }
          break;
      }
    });
    line_ += "}\n";
  }

  if (line_.size() >= kFlushThreshold) {
    file_.write(line_);
    line_.clear();  // keeps the capacity: no allocation per block
  }
}

bool JsonlTraceWriter::finish(std::string* error) {
  if (!line_.empty() && file_.is_open()) file_.write(line_);
  line_.clear();
  return file_.commit(error);
}

}  // namespace leasesim
