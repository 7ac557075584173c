#include "leasesim/core/trace.hpp"

#include "leasesim/core/assert.hpp"

namespace leasesim {

// Lookups on the tracing path are two indexings: a dense table of 16-bit
// positions by kind number (4.6 KiB), then the descriptors in the order they
// were added. Building a schema (once per run, so once per explored seed)
// then clears a few KiB instead of a full descriptor per possible kind.
TraceSchema::TraceSchema() : position_(kind_range::kEnd, 0) {}

void TraceSchema::add(const KindDesc& desc) {
  LEASESIM_ASSERT(desc.kind < kind_range::kEnd, "TraceSchema::add: kind out of range");
  LEASESIM_ASSERT(desc.name != nullptr, "TraceSchema::add: kind without a name");
  LEASESIM_ASSERT(position_[desc.kind] == 0, "TraceSchema::add: kind registered twice");
  LEASESIM_ASSERT(desc.field_count <= kMaxFields, "TraceSchema::add: too many fields");
  for (int i = 0; i < desc.field_count; ++i) {
    const FieldDesc& fd = desc.fields[static_cast<size_t>(i)];
    LEASESIM_ASSERT(fd.name != nullptr, "TraceSchema::add: field without a name");
    LEASESIM_ASSERT(fd.type != FieldType::kName || fd.table < name_table::kCount,
                    "TraceSchema::add: unknown name table");
  }
  LEASESIM_ASSERT(descs_.size() < UINT16_MAX, "TraceSchema::add: too many kinds");
  descs_.push_back(desc);
  position_[desc.kind] = static_cast<uint16_t>(descs_.size());
}

const KindDesc* TraceSchema::find(uint16_t kind) const {
  if (kind >= position_.size() || position_[kind] == 0) return nullptr;
  return &descs_[position_[kind] - 1];
}

std::vector<const KindDesc*> TraceSchema::all() const {
  std::vector<const KindDesc*> out;
  for (const uint16_t p : position_) {
    if (p != 0) out.push_back(&descs_[p - 1]);
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
