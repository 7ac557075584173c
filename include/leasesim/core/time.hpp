// Virtual time: int64 nanoseconds in two strong types.
//
// Duration is a signed span of time; TimePoint is an instant measured from
// the simulation's origin (true time 0) or, for local clocks, from that
// clock's own origin. They cannot be mixed up: TimePoint + TimePoint does not
// compile, and neither converts implicitly from an integer.
//
// Invariant: arithmetic never silently overflows. Every value the simulator
// produces is bounded by validated scenario limits (well under 2^62 ns,
// about 146 years), so overflow is a programmer error, checked by the
// scenario loader rather than here on the hot path.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace leasesim {

class Duration {
 public:
  constexpr Duration() = default;
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}

  constexpr int64_t ns() const { return ns_; }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max()); }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns_ / k); }
  constexpr int64_t operator/(Duration o) const { return ns_ / o.ns_; }
  constexpr Duration& operator+=(Duration o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr Duration& operator-=(Duration o) {
    ns_ -= o.ns_;
    return *this;
  }

 private:
  int64_t ns_ = 0;
};

class TimePoint {
 public:
  constexpr TimePoint() = default;
  constexpr explicit TimePoint(int64_t ns) : ns_(ns) {}

  constexpr int64_t ns() const { return ns_; }
  static constexpr TimePoint origin() { return TimePoint(0); }
  static constexpr TimePoint max() { return TimePoint(std::numeric_limits<int64_t>::max()); }
  static constexpr TimePoint min() { return TimePoint(std::numeric_limits<int64_t>::min()); }

  constexpr auto operator<=>(const TimePoint&) const = default;
  constexpr TimePoint operator+(Duration d) const { return TimePoint(ns_ + d.ns()); }
  constexpr TimePoint operator-(Duration d) const { return TimePoint(ns_ - d.ns()); }
  constexpr Duration operator-(TimePoint o) const { return Duration(ns_ - o.ns_); }
  constexpr TimePoint& operator+=(Duration d) {
    ns_ += d.ns();
    return *this;
  }

 private:
  int64_t ns_ = 0;
};

// t + d for d >= 0, or TimePoint::max() where that would pass it: a time
// that means "never" (a timer armed at TimePoint::max()) stays never.
constexpr TimePoint later_or_never(TimePoint t, Duration d) {
  return d.ns() > TimePoint::max().ns() - t.ns() ? TimePoint::max() : t + d;
}

constexpr Duration nanoseconds(int64_t n) {
  return Duration(n);
}
constexpr Duration microseconds(int64_t n) {
  return Duration(n * 1'000);
}
constexpr Duration milliseconds(int64_t n) {
  return Duration(n * 1'000'000);
}
constexpr Duration seconds(int64_t n) {
  return Duration(n * 1'000'000'000);
}
constexpr Duration minutes(int64_t n) {
  return seconds(n * 60);
}
constexpr Duration hours(int64_t n) {
  return seconds(n * 3600);
}

// Which of a node's two local clocks a reading or a timer refers to.
//   kWall:      the settable time-of-day clock. Drifts, and jumps when stepped.
//   kMonotonic: never goes backward. Drifts like the wall clock (same
//               oscillator) but ignores steps.
enum class ClockKind : uint8_t { kWall = 0, kMonotonic = 1 };
const char* to_string(ClockKind v);  // "wall", "monotonic"

// What a node sees when it looks at its clocks. Protocol nodes receive this
// with every input; they never see true time.
struct LocalClocks {
  TimePoint wall;
  TimePoint mono;
  constexpr TimePoint read(ClockKind k) const { return k == ClockKind::kWall ? wall : mono; }
};

// Parses a human duration: an optional sign, a decimal number and a unit
// (ns, us, ms, s, m, h), e.g. "500us", "150ms", "1.5s", "2m", "-2s", "1h".
// A bare "0" is accepted. Returns false and sets *error to a one-line
// explanation if the text is not a duration, is finer than 1ns, or does not
// fit in int64 nanoseconds.
bool parse_duration(std::string_view text, Duration* out, std::string* error);

// Formats a duration exactly, in the largest unit that represents it without
// loss ("150ms", "10s", "2m", "1500us"); parse_duration reads it back to the
// same value.
std::string format_duration(Duration d);

// Formats a duration for people, rounded: "1.234s", "15.2ms", "820us".
std::string format_duration_short(Duration d);

// Seconds with 6 decimals ("12.345678s"): true or local instants in reports.
std::string format_time(TimePoint t);

}  // namespace leasesim
