#include "leasesim/core/trace_text.hpp"

#include <cstdio>

namespace leasesim {
namespace {

std::string field_text(const TraceSchema& schema, const FieldDesc& f, uint64_t v) {
  switch (f.type) {
    case FieldType::kUint:
      return std::to_string(v);
    case FieldType::kInt:
      return std::to_string(static_cast<int64_t>(v));
    case FieldType::kDuration:
      return format_duration_short(Duration(static_cast<int64_t>(v)));
    case FieldType::kTime:
      return format_time(TimePoint(static_cast<int64_t>(v)));
    case FieldType::kBool:
      return v ? "true" : "false";
    case FieldType::kName: {
      if (f.table < name_table::kCount && v < schema.names(f.table).size())
        return schema.names(f.table)[static_cast<size_t>(v)];
      return v == UINT32_MAX ? std::string("-") : std::to_string(v);
    }
    case FieldType::kEnum:
      if (f.enum_names && v < f.enum_count) return f.enum_names[v];
      return std::to_string(v);
  }
  return std::to_string(v);
}

}  // namespace

std::string describe_fields(const TraceSchema& schema, const Record& r) {
  const KindDesc* d = schema.find(r.kind);
  if (d == nullptr) return "kind_" + std::to_string(r.kind);
  std::string out = d->name;
  for_each_field(*d, r, [&](const FieldDesc& f, uint64_t v) {
    out += ' ';
    out += f.name;
    out += '=';
    out += field_text(schema, f, v);
  });
  return out;
}

std::string describe_record(const TraceSchema& schema, const Record& r) {
  std::string node = "-";
  if (r.node != kNoNode) {
    const auto& names = schema.names(name_table::kNodes);
    node = r.node < names.size() ? names[r.node] : std::to_string(r.node);
  }
  char head[64];
  std::snprintf(head, sizeof head, "%14s  %-8s ", format_time(r.time).c_str(), node.c_str());
  return head + describe_fields(schema, r);
}

}  // namespace leasesim
