// Trace records: the canonical stream of everything significant that
// happens in a run.
//
// A Record is a small POD: true time, the node's local (wall) time, the node,
// a kind, and up to kMaxFields numeric fields whose meaning the kind's
// descriptor gives. Building one costs a few stores and no allocation, so
// layers emit records unconditionally; only sinks that format text (the
// JSONL writer) cost anything, and they exist only when tracing is on.
//
// Kinds are numbered in ranges owned by the layer that defines them (see
// KindRange below); core itself defines none. A TraceSchema maps kind
// numbers to descriptors and is assembled by whoever wires the layers.
//
// The canonical stream is hashed into a 64-bit fingerprint (TraceHasher).
// The hash covers time, local time, node, kind and all fields of every
// record, in emission order. Unused fields must be zero.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/time.hpp"

namespace leasesim {

inline constexpr int kMaxFields = 6;
inline constexpr uint32_t kNoNode = UINT32_MAX;

struct Record {
  TimePoint time;   // true time (set by the host, never by a node)
  TimePoint local;  // the node's wall clock at `time` (origin if no node)
  uint32_t node = kNoNode;
  uint16_t kind = 0;
  std::array<uint64_t, kMaxFields> f{};  // meaning per kind; unused = 0
  // Only a kind's codec reads or writes f by position (TypedRecord below).

  friend constexpr bool operator==(const Record&, const Record&) = default;
};

// How a field is rendered. Values are stored as uint64; signed types are
// two's-complement reinterpretations.
enum class FieldType : uint8_t {
  kUint,      // unsigned integer
  kInt,       // signed integer
  kDuration,  // signed nanoseconds
  kTime,      // signed nanoseconds since a clock's origin
  kBool,      // 0 or 1
  kName,      // index into name table `table` (e.g. nodes, resources)
  kEnum,      // index into `enum_names`
};

struct FieldDesc {
  const char* name = nullptr;
  FieldType type = FieldType::kUint;
  uint8_t table = 0;                        // for kName
  const char* const* enum_names = nullptr;  // for kEnum
  uint32_t enum_count = 0;
};

struct KindDesc {
  uint16_t kind = 0;
  const char* name = nullptr;  // stable, lowercase, used in the JSONL "k" key
  uint8_t field_count = 0;
  std::array<FieldDesc, kMaxFields> fields{};
};

// Typed records. Every record kind has one small struct, declared by the
// layer that owns the kind, with its number, its descriptor, and the codec
// between the struct and the record's fields next to each other:
//
//   struct Pause {
//     static constexpr uint16_t kKind = kind_range::kWorld + 6;
//     static constexpr KindDesc kDesc{kKind, "pause", 1, {fd::duration("duration")}};
//     Duration duration;
//     void encode(Record& r) const { r.f[0] = field_of(duration); }
//     static Pause decode(const Record& r) { return {field_duration(r.f[0])}; }
//   };
//
// Emitters build the struct and encode it (Effects::emit for nodes);
// readers decode it (decode_as<T>). Nothing else reads or writes a record's
// fields by position. encode() writes only the kind's own fields: the
// others stay zero, as the hash requires.
template <typename T>
concept TypedRecord = requires(const T& t, Record& out, const Record& in) {
  { T::kKind } -> std::convertible_to<uint16_t>;
  { T::kDesc } -> std::convertible_to<KindDesc>;
  t.encode(out);
  { T::decode(in) } -> std::same_as<T>;
};

// A record of T's kind, time/local/node left for the host to fill.
template <TypedRecord T>
Record encode_record(const T& v) {
  Record r;
  r.kind = T::kKind;
  v.encode(r);
  return r;
}

// The typed view of a record. Precondition: r.kind == T::kKind (asserted:
// decoding a record as the wrong kind is a programmer error).
template <TypedRecord T>
T decode_as(const Record& r) {
  LEASESIM_ASSERT(r.kind == T::kKind, "record decoded as the wrong kind");
  return T::decode(r);
}

// The generic codec: any record read through its kind's descriptor, for
// readers that handle every kind alike (the trace text and JSON Lines
// formatters). Calls f(field, value) for each described field, in order.
template <typename F>
void for_each_field(const KindDesc& desc, const Record& r, F&& f) {
  for (size_t i = 0; i < static_cast<size_t>(desc.field_count); ++i) f(desc.fields[i], r.f[i]);
}

template <typename E>
concept EnumType = std::is_enum_v<E>;

// Field conversions for codecs: signed values and times travel as two's
// complement, enums as their underlying value.
constexpr uint64_t field_of(int64_t v) {
  return static_cast<uint64_t>(v);
}
constexpr uint64_t field_of(TimePoint t) {
  return static_cast<uint64_t>(t.ns());
}
constexpr uint64_t field_of(Duration d) {
  return static_cast<uint64_t>(d.ns());
}
constexpr uint64_t field_of(bool b) {
  return b ? 1 : 0;
}
template <EnumType E>
constexpr uint64_t field_of(E e) {
  return static_cast<uint64_t>(e);
}
constexpr TimePoint field_time(uint64_t f) {
  return TimePoint(static_cast<int64_t>(f));
}
constexpr Duration field_duration(uint64_t f) {
  return Duration(static_cast<int64_t>(f));
}
constexpr int64_t field_int(uint64_t f) {
  return static_cast<int64_t>(f);
}
template <EnumType E>
constexpr E field_enum(uint64_t f) {
  return static_cast<E>(f);
}

// Record kind numbers are partitioned by layer so each layer can add kinds
// without touching the others.
namespace kind_range {
inline constexpr uint16_t kNet = 0x0100;
inline constexpr uint16_t kWorld = 0x0200;
inline constexpr uint16_t kProtocol = 0x0300;  // 0x0300..0x07ff: protocols
inline constexpr uint16_t kCheck = 0x0800;
inline constexpr uint16_t kEnd = 0x0900;
}  // namespace kind_range

// Well-known name tables for kName fields.
namespace name_table {
inline constexpr uint8_t kNodes = 0;
inline constexpr uint8_t kResources = 1;
inline constexpr uint8_t kText = 2;  // free text of a run (its header: version, file, knobs)
inline constexpr uint8_t kCount = 3;
}  // namespace name_table

// Constexpr builders of field descriptors, for the KindDesc of typed records.
namespace fd {
constexpr FieldDesc uint(const char* n) {
  return FieldDesc{n, FieldType::kUint, 0, nullptr, 0};
}
constexpr FieldDesc sint(const char* n) {
  return FieldDesc{n, FieldType::kInt, 0, nullptr, 0};
}
constexpr FieldDesc time(const char* n) {
  return FieldDesc{n, FieldType::kTime, 0, nullptr, 0};
}
constexpr FieldDesc duration(const char* n) {
  return FieldDesc{n, FieldType::kDuration, 0, nullptr, 0};
}
constexpr FieldDesc flag(const char* n) {
  return FieldDesc{n, FieldType::kBool, 0, nullptr, 0};
}
constexpr FieldDesc node(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kNodes, nullptr, 0};
}
constexpr FieldDesc resource(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kResources, nullptr, 0};
}
constexpr FieldDesc text(const char* n) {
  return FieldDesc{n, FieldType::kName, name_table::kText, nullptr, 0};
}
constexpr FieldDesc enumeration(const char* n, const char* const* names, size_t count) {
  return FieldDesc{n, FieldType::kEnum, 0, names, static_cast<uint32_t>(count)};
}
template <size_t N>
constexpr FieldDesc enumeration(const char* n, const char* const (&names)[N]) {
  return FieldDesc{n, FieldType::kEnum, 0, names, static_cast<uint32_t>(N)};
}
}  // namespace fd

// Maps kind numbers to descriptors and holds the name tables records refer
// to. Built once per run; read-only afterwards.
class TraceSchema {
 public:
  TraceSchema();
  void add(const KindDesc& desc);             // precondition: kind unused, in range
  const KindDesc* find(uint16_t kind) const;  // nullptr if unknown
  std::vector<std::string>& names(uint8_t table) { return names_[table]; }
  const std::vector<std::string>& names(uint8_t table) const { return names_[table]; }
  // All registered kinds in kind order (for documentation and tests).
  std::vector<const KindDesc*> all() const;

 private:
  std::vector<KindDesc> descs_;     // in the order added
  std::vector<uint16_t> position_;  // by kind: 1 + index into descs_; 0 if unused
  std::array<std::vector<std::string>, name_table::kCount> names_;
};

// 64-bit fingerprint of a record stream. Deterministic integer arithmetic
// only; identical on every platform and compiler.
//
// Every record is hashed, tracing on or off, so this sits on the hot path
// (two or three records per engine event). The record's nine words are
// folded pairwise with 64x64->128-bit multiplies (as in wyhash) that do not
// depend on each other, and only one fold per record carries the running
// state: a short dependency chain instead of nine serial rounds. Each word
// is xored with its own constant first, so equal values in different
// positions, and swapped fields, hash differently.
class TraceHasher {
 public:
  void add(const Record& r) {
    const uint64_t a = fold(static_cast<uint64_t>(r.time.ns()) ^ kS[0],
                            static_cast<uint64_t>(r.local.ns()) ^ kS[1]);
    const uint64_t b =
        fold(((static_cast<uint64_t>(r.kind) << 32) | r.node) ^ kS[2], r.f[0] ^ kS[3]);
    const uint64_t c = fold(r.f[1] ^ kS[4], r.f[2] ^ kS[5]);
    const uint64_t d = fold(r.f[3] ^ kS[6], r.f[4] ^ kS[7]);
    const uint64_t e = fold(r.f[5] ^ kS[8], h_ ^ kS[9]);
    h_ = fold(a ^ c ^ e, b ^ d ^ kS[10]);
    ++count_;
  }
  // Compact forms, for a record whose other fields follow from the records
  // before it (the caller's rule says which: world/trace_hash.hpp): only the
  // words given, salted by the record's kind, in one fold or two instead of
  // six. Each still counts as one record. `kind` is a compile-time constant
  // at every call, so the salt costs nothing.
  void add_compact(uint16_t kind, uint64_t a, uint64_t b) {
    h_ = fold(a ^ salt(kind), b ^ h_ ^ kS[9]);
    ++count_;
  }
  void add_compact(uint16_t kind, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
    const uint64_t x = fold(a ^ salt(kind), b ^ kS[3]);
    h_ = fold(c ^ kS[5], d ^ x ^ h_ ^ kS[9]);
    ++count_;
  }
  uint64_t value() const { return finalize(h_ ^ count_); }
  uint64_t count() const { return count_; }

 private:
  // The two halves of a*b, xored (wyhash's "mum").
  static uint64_t fold(uint64_t a, uint64_t b) {
    __extension__ using U128 = unsigned __int128;
    const U128 p = static_cast<U128>(a) * b;
    return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
  }
  // A constant per kind, well spread (a Weyl step from kS[0]).
  static constexpr uint64_t salt(uint16_t kind) {
    return kS[0] ^ ((uint64_t{kind} + 1) * 0x9E3779B97F4A7C15ULL);
  }
  static uint64_t finalize(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDULL;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ULL;
    x ^= x >> 33;
    return x;
  }
  // Odd constants with well-mixed bits (the fractional digits of pi, as
  // in Blowfish's S-box initialisation).
  static constexpr uint64_t kS[11] = {
      0x243F6A8885A308D3ULL, 0x13198A2E03707345ULL, 0xA4093822299F31D1ULL, 0x082EFA98EC4E6C89ULL,
      0x452821E638D01377ULL, 0xBE5466CF34E90C6DULL, 0xC0AC29B7C97C50DDULL, 0x3F84D5B5B5470917ULL,
      0x9216D5D98979FB1BULL, 0xD1310BA698DFB5ACULL, 0x2FFD72DBD01ADFB7ULL};
  uint64_t h_ = 0x243F6A8885A308D3ULL;
  uint64_t count_ = 0;
};

// Where records go when tracing is on.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const Record& r) = 0;
  // Flushes and completes the output. Returns false and sets *error if the
  // output could not be written whole.
  virtual bool finish(std::string* error) = 0;
};

// Formats a 64-bit hash the way every report prints it (16 hex digits).
std::string format_hash(uint64_t h);

}  // namespace leasesim
