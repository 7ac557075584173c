#include "leasesim/core/trace.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim {

// A dense table indexed by kind number: lookups on the tracing path are a
// bounds check and an index, and the few hundred KiB it costs exist once
// per run.
TraceSchema::TraceSchema() : by_kind_(kind_range::kEnd) {}

void TraceSchema::add(const KindDesc& desc) {
  LEASESIM_ASSERT(desc.kind < kind_range::kEnd, "TraceSchema::add: kind out of range");
  LEASESIM_ASSERT(desc.name != nullptr, "TraceSchema::add: kind without a name");
  LEASESIM_ASSERT(by_kind_[desc.kind].name == nullptr, "TraceSchema::add: kind registered twice");
  LEASESIM_ASSERT(desc.field_count <= kMaxFields, "TraceSchema::add: too many fields");
  for (int i = 0; i < desc.field_count; ++i) {
    const FieldDesc& fd = desc.fields[static_cast<size_t>(i)];
    LEASESIM_ASSERT(fd.name != nullptr, "TraceSchema::add: field without a name");
    LEASESIM_ASSERT(fd.type != FieldType::kName || fd.table < name_table::kCount,
                    "TraceSchema::add: unknown name table");
  }
  by_kind_[desc.kind] = desc;
}

const KindDesc* TraceSchema::find(uint16_t kind) const {
  if (kind >= by_kind_.size()) return nullptr;
  const KindDesc& d = by_kind_[kind];
  return d.name != nullptr ? &d : nullptr;
}

std::vector<const KindDesc*> TraceSchema::all() const {
  std::vector<const KindDesc*> out;
  for (const KindDesc& d : by_kind_) {
    if (d.name != nullptr) out.push_back(&d);
  }
  return out;
}

std::string format_hash(uint64_t h) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i) {
    s[static_cast<size_t>(i)] = kHex[h & 0xF];
    h >>= 4;
  }
  return s;
}

}  // namespace leasesim
