#include "leasesim/core/time.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "leasesim/core/assert.hpp"
#include "leasesim/core/int128.hpp"

namespace leasesim {
namespace {

using u128 = uint128_t;

constexpr int64_t kNsPerUs = 1'000;
constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kNsPerS = 1'000'000'000;
constexpr int64_t kNsPerM = 60 * kNsPerS;
constexpr int64_t kNsPerH = 3600 * kNsPerS;

struct Unit {
  std::string_view suffix;
  uint64_t ns;
};

// Largest first: format_duration takes the first unit that divides exactly.
constexpr Unit kFormatUnits[] = {
    {"h", kNsPerH}, {"m", kNsPerM}, {"s", kNsPerS}, {"ms", kNsPerMs}, {"us", kNsPerUs}, {"ns", 1},
};

// Accepted spellings. "µs" is accepted both with U+00B5 (micro sign) and
// U+03BC (Greek mu) because keyboards and editors produce either.
constexpr Unit kParseUnits[] = {
    {"ns", 1},        {"us", kNsPerUs}, {"\xC2\xB5s", kNsPerUs}, {"\xCE\xBCs", kNsPerUs},
    {"ms", kNsPerMs}, {"s", kNsPerS},   {"m", kNsPerM},          {"h", kNsPerH},
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// |d| as an unsigned value; correct for INT64_MIN, whose magnitude does not
// fit in int64.
uint64_t magnitude(int64_t v) {
  return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

void append_uint(std::string* out, uint64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, res.ptr);
}

std::string quoted(std::string_view text) {
  std::string q;
  q.reserve(text.size() + 2);
  q += '"';
  q += text;
  q += '"';
  return q;
}

bool syntax_error(std::string_view text, std::string* error) {
  if (error != nullptr) {
    *error = quoted(text) +
             " is not a duration: expected a number followed by a unit (ns, us, ms, s, m, h), "
             "e.g. \"150ms\"";
  }
  return false;
}

}  // namespace

bool parse_duration(std::string_view text, Duration* out, std::string* error) {
  // Grammar: [+-] digits [ '.' digits ] unit, at least one digit overall.
  // Everything is exact integer arithmetic: a double would turn "0.3s" into
  // 299999999ns on some inputs, and scenario files must mean the same thing
  // everywhere.
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }

  // Integer part. Values beyond 2^64 cannot be valid in any unit (the
  // smallest multiplier is 1ns), so we stop accumulating and only remember
  // that it overflowed; syntax errors later in the text still win.
  constexpr u128 kIntCap = u128{1} << 64;
  u128 int_part = 0;
  bool int_overflow = false;
  size_t digits = 0;
  for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
    if (!int_overflow) {
      int_part = int_part * 10 + static_cast<unsigned>(text[i] - '0');
      if (int_part >= kIntCap) int_overflow = true;
    }
  }
  const size_t int_digits = digits;

  // Fraction part, kept as text so trailing zeros can be dropped before any
  // arithmetic ("1.500000000000000000000s" is fine).
  bool has_point = false;
  std::string_view frac;
  if (i < text.size() && text[i] == '.') {
    has_point = true;
    const size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    frac = text.substr(start, i - start);
    digits += frac.size();
  }
  if (digits == 0) return syntax_error(text, error);

  const std::string_view unit_text = text.substr(i);
  uint64_t unit_ns = 0;
  if (unit_text.empty()) {
    // Only a bare zero may omit the unit: zero is zero in every unit, while
    // "15" would silently mean nanoseconds to some readers and seconds to
    // others.
    if (has_point || int_digits != 1 || text[i - 1] != '0') return syntax_error(text, error);
    *out = Duration(0);
    return true;
  }
  for (const Unit& u : kParseUnits) {
    if (unit_text == u.suffix) {
      unit_ns = u.ns;
      break;
    }
  }
  if (unit_ns == 0) return syntax_error(text, error);

  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  u128 frac_ns = 0;
  if (!frac.empty()) {
    // With trailing zeros stripped the fraction digits f are not a multiple
    // of 10, and the largest multiplier (1h = 2^13 * 3^2 * 5^11 ns) supplies
    // at most 13 factors of 2 and 11 of 5, so more than 13 digits can never
    // be a whole number of nanoseconds. The cap of 18 keeps f * unit_ns well
    // inside 128 bits.
    bool exact = frac.size() <= 18;
    if (exact) {
      u128 f = 0;
      u128 scale = 1;
      for (char c : frac) {
        f = f * 10 + static_cast<unsigned>(c - '0');
        scale *= 10;
      }
      const u128 scaled = f * unit_ns;
      exact = scaled % scale == 0;
      frac_ns = scaled / scale;
    }
    if (!exact) {
      if (error != nullptr) {
        *error =
            quoted(text) + " is not a duration: it is finer than 1ns, the simulator's resolution";
      }
      return false;
    }
  }

  // int_part < 2^64 and unit_ns < 2^42, so the product fits in 128 bits.
  const u128 limit = negative ? (u128{1} << 63) : (u128{1} << 63) - 1;
  const u128 total = int_overflow ? limit + 1 : int_part * unit_ns + frac_ns;
  if (total > limit) {
    if (error != nullptr) {
      *error =
          quoted(text) + " is out of range: it does not fit in int64 nanoseconds (about 292 years)";
    }
    return false;
  }
  const uint64_t mag = static_cast<uint64_t>(total);
  // Two's-complement negation in unsigned arithmetic also covers INT64_MIN;
  // the conversion back to int64 is modular (well defined since C++20).
  *out = Duration(static_cast<int64_t>(negative ? uint64_t{0} - mag : mag));
  return true;
}

std::string format_duration(Duration d) {
  if (d.ns() == 0) return "0s";
  const uint64_t mag = magnitude(d.ns());
  std::string s;
  if (d.ns() < 0) s += '-';
  for (const Unit& u : kFormatUnits) {
    if (mag % u.ns == 0) {
      append_uint(&s, mag / u.ns);
      s += u.suffix;
      return s;
    }
  }
  LEASESIM_UNREACHABLE("1ns divides every duration");
}

std::string format_duration_short(Duration d) {
  if (d.ns() == 0) return "0s";
  const uint64_t mag = magnitude(d.ns());
  std::string s;
  if (d.ns() < 0) s += '-';

  // Pick the largest unit whose value, rounded (half away from zero) to
  // three decimals, is at least 1. Rounding happens before the choice so
  // that 999.9996ms prints as "1s" rather than "1000ms".
  static constexpr Unit kShortUnits[] = {{"s", kNsPerS}, {"ms", kNsPerMs}, {"us", kNsPerUs}};
  for (const Unit& u : kShortUnits) {
    const uint64_t grain = u.ns / 1000;  // one thousandth of the unit
    const uint64_t thousandths = mag / grain + (mag % grain >= (grain + 1) / 2 ? 1 : 0);
    if (thousandths < 1000) continue;
    append_uint(&s, thousandths / 1000);
    uint64_t frac = thousandths % 1000;
    if (frac != 0) {
      char digits[3] = {static_cast<char>('0' + frac / 100),
                        static_cast<char>('0' + frac / 10 % 10),
                        static_cast<char>('0' + frac % 10)};
      size_t n = 3;
      while (digits[n - 1] == '0') --n;
      s += '.';
      s.append(digits, n);
    }
    s += u.suffix;
    return s;
  }
  append_uint(&s, mag);
  s += "ns";
  return s;
}

std::string format_time(TimePoint t) {
  // Microsecond resolution, truncated toward negative infinity (floor):
  // unlike rounding, flooring never shows an instant as later than it was,
  // and every instant inside the same microsecond prints identically, also
  // for negative (pre-origin local clock) values.
  const int64_t ns = t.ns();
  int64_t us = ns / kNsPerUs;
  if (ns % kNsPerUs < 0) --us;
  const uint64_t mag = magnitude(us);
  std::string s;
  if (us < 0) s += '-';
  append_uint(&s, mag / 1'000'000);
  s += '.';
  char frac[6];
  uint64_t f = mag % 1'000'000;
  for (int k = 5; k >= 0; --k) {
    frac[k] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  s.append(frac, 6);
  s += 's';
  return s;
}

const char* to_string(ClockKind v) {
  return v == ClockKind::kWall ? "wall" : "monotonic";
}

}  // namespace leasesim
