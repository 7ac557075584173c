// The messages nodes exchange, protocol-neutral: a small header the host
// reads (type, from, to, resource), a fixed-size inline payload each
// protocol fills with its own trivially copyable structs, and two reusable
// vectors for bulk data (log entries, snapshot items). Nothing here
// allocates per message in steady state: the world recycles message slots
// with the vectors' capacity (Message::take), and payloads live inline.
//
// Typed access. A payload struct P declares `static constexpr uint16_t
// kTag` (unique within its protocol; 1..15 belong to shared cores such as
// raft/); `m.set<P>()` value-initialises one in the payload and returns it,
// `m.as<P>()` returns it and asserts that P is what was set. Log entries and
// snapshot items carry a state machine's fixed-size structs the same way
// (`command<C>()`, `item<I>()`), without tags: their meaning is fixed by
// the entry's `kind` and by the protocol.
//
// Message types are the protocol's (its module names them for traces);
// `resource` is the resource a message is about (kNoResource if none): the
// world prints it in send/deliver records, and a protocol may read it as
// one of its own fields.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#include "leasesim/core/assert.hpp"
#include "leasesim/protocol/types.hpp"

namespace leasesim {

// N bytes, 8-aligned, holding one trivially copyable value at a time.
template <size_t N>
struct InlineBytes {
  alignas(8) std::array<std::byte, N> bytes{};

  template <typename T>
  static constexpr void check() {
    static_assert(std::is_trivially_copyable_v<T>, "inline payloads must be trivially copyable");
    static_assert(sizeof(T) <= N, "payload struct too large for its slot");
    static_assert(alignof(T) <= 8, "payload struct over-aligned");
  }
  template <typename T>
  T& emplace() {
    check<T>();
    return *std::construct_at(reinterpret_cast<T*>(bytes.data()));
  }
  template <typename T>
  const T& get() const {
    check<T>();
    return *std::launder(reinterpret_cast<const T*>(bytes.data()));
  }
  template <typename T>
  T& get() {
    check<T>();
    return *std::launder(reinterpret_cast<T*>(bytes.data()));
  }
};

// A replicated log entry: its term, the kind of command it carries (0 is
// the consensus core's no-op; other kinds are the state machine's) and the
// command itself. Its index is its position in the log.
inline constexpr size_t kCommandBytes = 48;
struct LogEntry {
  Term term = 0;
  uint16_t kind = 0;
  InlineBytes<kCommandBytes> data;

  template <typename C>
  const C& command() const {
    return data.get<C>();
  }
  template <typename C>
  C& set_command(uint16_t k) {
    kind = k;
    return data.emplace<C>();
  }
};
static_assert(sizeof(LogEntry) == 64, "one cache line per entry");

// One item of a state machine's snapshot (e.g. one held lease).
inline constexpr size_t kSnapshotItemBytes = 48;
struct SnapshotItem {
  InlineBytes<kSnapshotItemBytes> data;

  template <typename I>
  const I& item() const {
    return data.get<I>();
  }
  template <typename I>
  static SnapshotItem of(const I& v) {
    SnapshotItem s;
    s.data.emplace<I>() = v;
    return s;
  }
};

inline constexpr size_t kMessagePayloadBytes = 64;

struct Message {
  uint16_t type = 0;         // the protocol's message type
  uint16_t payload_tag = 0;  // kTag of the payload struct set (0: none)
  NodeId from = kInvalidNode;
  NodeId to = kInvalidNode;
  ResourceId resource = kNoResource;
  InlineBytes<kMessagePayloadBytes> payload;
  std::vector<LogEntry> entries;
  std::vector<SnapshotItem> snapshot;

  template <typename E>
  bool is(E t) const {
    return type == static_cast<uint16_t>(t);
  }

  // A fresh payload of type P (value-initialised).
  template <typename P>
  P& set() {
    payload_tag = P::kTag;
    return payload.emplace<P>();
  }
  // The payload, which must be a P (asserted: reading another protocol's
  // or another layer's payload is a programmer error).
  template <typename P>
  const P& as() const {
    LEASESIM_ASSERT(payload_tag == P::kTag, "message payload read as the wrong type");
    return payload.get<P>();
  }
  template <typename P>
  P& as() {
    LEASESIM_ASSERT(payload_tag == P::kTag, "message payload read as the wrong type");
    return payload.get<P>();
  }
  bool has_payload() const { return payload_tag != 0; }

  // Resets the header and empties the vectors (keeping their capacity).
  // The payload's bytes are left as they are: no payload is set until
  // set<P>() constructs one (as<P>() asserts that), and set<P>() writes
  // every field of P, so a message is built with one write per field.
  void reset(uint16_t t, NodeId src, NodeId dst) {
    type = t;
    payload_tag = 0;
    from = src;
    to = dst;
    resource = kNoResource;
    entries.clear();
    snapshot.clear();
  }

  // Becomes `o` (every field) and hands `o` this message's old vector
  // buffers, so both keep their capacity: the host moves a message from a
  // node's effects into its pool without allocating, in one move instead of
  // std::swap's three.
  void take(Message& o) {
    std::vector<LogEntry> old_entries = std::move(entries);
    std::vector<SnapshotItem> old_snapshot = std::move(snapshot);
    *this = std::move(o);
    o.entries = std::move(old_entries);
    o.snapshot = std::move(old_snapshot);
  }
};

}  // namespace leasesim
