// A check every typed record kind must pass (core/trace.hpp): its codec
// reads and writes exactly the fields its descriptor names, each at its own
// position, and nothing else.
#pragma once

#include <gtest/gtest.h>

#include "leasesim/core/trace.hpp"

namespace leasesim::testing {

// A record of T's kind whose described fields hold distinct values valid
// for their types (enums and booleans 1, the rest 1000 + position).
template <TypedRecord T>
Record SampleRecord() {
  Record r;
  r.kind = T::kKind;
  for (int i = 0; i < T::kDesc.field_count; ++i) {
    const FieldDesc& f = T::kDesc.fields[static_cast<size_t>(i)];
    const bool small = f.type == FieldType::kEnum || f.type == FieldType::kBool;
    r.f[static_cast<size_t>(i)] = small ? 1 : 1000 + static_cast<uint64_t>(i);
  }
  return r;
}

template <TypedRecord T>
void ExpectCodecMatchesDescriptor() {
  SCOPED_TRACE(T::kDesc.name);
  EXPECT_EQ(T::kDesc.kind, T::kKind);
  const Record in = SampleRecord<T>();
  const Record out = encode_record(decode_as<T>(in));
  EXPECT_EQ(out.kind, T::kKind);
  for (size_t i = 0; i < in.f.size(); ++i) EXPECT_EQ(out.f[i], in.f[i]) << "field " << i;
  // A default-constructed value writes nothing beyond its described fields.
  const Record blank = encode_record(T{});
  for (size_t i = T::kDesc.field_count; i < blank.f.size(); ++i)
    EXPECT_EQ(blank.f[i], 0u) << "field " << i << " is not described";
}

template <TypedRecord... Ts>
void ExpectCodecsMatchDescriptors() {
  (ExpectCodecMatchesDescriptor<Ts>(), ...);
}

}  // namespace leasesim::testing
