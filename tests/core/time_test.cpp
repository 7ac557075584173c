#include "leasesim/core/time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "leasesim/core/rng.hpp"

namespace leasesim {
namespace time_test {
namespace {

TEST(Time, DurationArithmetic) {
  EXPECT_EQ(milliseconds(1500), seconds(1) + milliseconds(500));
  EXPECT_EQ(milliseconds(500), seconds(1) - milliseconds(500));
  EXPECT_EQ(Duration(-7), -Duration(7));
  EXPECT_EQ(seconds(6), seconds(2) * 3);
  EXPECT_EQ(milliseconds(250), seconds(1) / 4);
  EXPECT_EQ(4, seconds(1) / milliseconds(250));
  EXPECT_EQ(minutes(2), seconds(120));
  EXPECT_EQ(hours(1), minutes(60));
  EXPECT_EQ(microseconds(1), nanoseconds(1000));
  Duration d = seconds(1);
  d += milliseconds(1);
  EXPECT_EQ(1'001'000'000, d.ns());
  d -= seconds(2);
  EXPECT_EQ(-999'000'000, d.ns());
  EXPECT_LT(Duration(-1), Duration::zero());
  EXPECT_EQ(std::numeric_limits<int64_t>::max(), Duration::max().ns());
}

TEST(Time, TimePointArithmetic) {
  const TimePoint t = TimePoint::origin() + seconds(3);
  EXPECT_EQ(3'000'000'000, t.ns());
  EXPECT_EQ(seconds(2), t - TimePoint(1'000'000'000));
  EXPECT_EQ(TimePoint(2'500'000'000), t - milliseconds(500));
  TimePoint u = t;
  u += milliseconds(1);
  EXPECT_GT(u, t);
  EXPECT_LT(TimePoint::min(), TimePoint::origin());
  EXPECT_GT(TimePoint::max(), t);
  const LocalClocks c{TimePoint(5), TimePoint(9)};
  EXPECT_EQ(TimePoint(5), c.read(ClockKind::kWall));
  EXPECT_EQ(TimePoint(9), c.read(ClockKind::kMonotonic));
}

struct GoodCase {
  const char* text;
  int64_t ns;
};

TEST(Time, ParseGoodInputs) {
  const GoodCase cases[] = {
      {"500us", 500'000},
      {"150ms", 150'000'000},
      {"10s", 10'000'000'000},
      {"2m", 120'000'000'000},
      {"1h", 3'600'000'000'000},
      {"1.5s", 1'500'000'000},
      {"-2s", -2'000'000'000},
      {"+2s", 2'000'000'000},
      {"0", 0},
      {"-0", 0},
      {"0s", 0},
      {"0.001ms", 1'000},
      {"7ns", 7},
      {"1.5us", 1'500},
      {"2\xC2\xB5s", 2'000},  // micro sign
      {"2\xCE\xBCs", 2'000},  // Greek mu
      {".5s", 500'000'000},
      {"1.s", 1'000'000'000},
      {"0.000000001s", 1},
      {"1.500000000000000000000000s", 1'500'000'000},
      {"0.25h", 900'000'000'000},
      {"9223372036854775807ns", std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808ns", std::numeric_limits<int64_t>::min()},
      {"2562047h", 2562047LL * 3'600'000'000'000},
  };
  for (const GoodCase& c : cases) {
    Duration d(12345);
    std::string error;
    EXPECT_TRUE(parse_duration(c.text, &d, &error)) << c.text << ": " << error;
    EXPECT_EQ(c.ns, d.ns()) << c.text;
  }
}

struct BadCase {
  const char* text;
  const char* error_part;
};

TEST(Time, ParseBadInputs) {
  const BadCase cases[] = {
      {"", "\"\" is not a duration: expected a number followed by a unit (ns, us, ms, s, m, h)"},
      {"15", "\"15\" is not a duration: expected a number followed by a unit"},
      {"15sec", "\"15sec\" is not a duration"},
      {"abc",
       "\"abc\" is not a duration: expected a number followed by a unit (ns, us, ms, s, m, h), "
       "e.g. \"150ms\""},
      {"1.5", "\"1.5\" is not a duration"},
      {" 1s", "\" 1s\" is not a duration"},
      {"1s ", "\"1s \" is not a duration"},
      {"1 s", "is not a duration"},
      {"0.5ns", "\"0.5ns\" is not a duration: it is finer than 1ns"},
      {"0.0000000001s", "finer than 1ns"},
      {"1.0000000000000000000001s", "finer than 1ns"},
      {"99999999999h", "\"99999999999h\" is out of range"},
      {"9223372036854775808ns", "does not fit in int64"},
      {"99999999999999999999999999999999s", "out of range"},
      {"--1s", "\"--1s\" is not a duration"},
      {"+-1s", "is not a duration"},
      {"1e3s", "\"1e3s\" is not a duration"},
      {"s", "is not a duration"},
      {".s", "is not a duration"},
      {"-", "is not a duration"},
      {"00", "is not a duration"},
      {"0.0", "is not a duration"},
      {"1S", "is not a duration"},
      {"1.2.3s", "is not a duration"},
  };
  for (const BadCase& c : cases) {
    Duration d(12345);
    std::string error;
    EXPECT_FALSE(parse_duration(c.text, &d, &error)) << c.text;
    EXPECT_NE(std::string::npos, error.find(c.error_part))
        << "input \"" << c.text << "\": error was: " << error;
    EXPECT_EQ(12345, d.ns()) << "output must be untouched on error: " << c.text;
  }
}

TEST(Time, ParseAcceptsNullError) {
  Duration d;
  EXPECT_FALSE(parse_duration("nope", &d, nullptr));
  EXPECT_FALSE(parse_duration("0.5ns", &d, nullptr));
  EXPECT_FALSE(parse_duration("99999999999h", &d, nullptr));
}

TEST(Time, FormatDurationExamples) {
  EXPECT_EQ("0s", format_duration(Duration(0)));
  EXPECT_EQ("150ms", format_duration(milliseconds(150)));
  EXPECT_EQ("10s", format_duration(seconds(10)));
  EXPECT_EQ("2m", format_duration(minutes(2)));
  EXPECT_EQ("90s", format_duration(seconds(90)));
  EXPECT_EQ("1h", format_duration(hours(1)));
  EXPECT_EQ("90m", format_duration(minutes(90)));
  EXPECT_EQ("1500ms", format_duration(milliseconds(1500)));
  EXPECT_EQ("1500us", format_duration(microseconds(1500)));
  EXPECT_EQ("1ns", format_duration(Duration(1)));
  EXPECT_EQ("-2s", format_duration(seconds(-2)));
  EXPECT_EQ("-9223372036854775808ns",
            format_duration(Duration(std::numeric_limits<int64_t>::min())));
  EXPECT_EQ("9223372036854775807ns", format_duration(Duration::max()));
}

void expect_round_trip(Duration d) {
  const std::string s = format_duration(d);
  Duration back(d.ns() ^ 1);
  std::string error;
  ASSERT_TRUE(parse_duration(s, &back, &error)) << s << ": " << error;
  EXPECT_EQ(d, back) << s;
}

TEST(Time, FormatDurationRoundTrips) {
  const int64_t fixed[] = {0,
                           1,
                           -1,
                           999,
                           1000,
                           1001,
                           60'000'000'000,
                           3'600'000'000'000,
                           -3'600'000'000'000,
                           86'400'000'000'000,
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::min() + 1};
  for (int64_t ns : fixed) expect_round_trip(Duration(ns));
  Rng rng(2024);
  for (int i = 0; i < 20000; ++i) {
    // Random values at every scale, and multiples of every unit.
    const int64_t raw = static_cast<int64_t>(rng.next_u64() >> rng.below(64));
    const int64_t units[] = {1, 1000, 1'000'000, 1'000'000'000, 60'000'000'000, 3'600'000'000'000};
    const int64_t unit = units[rng.below(6)];
    const int64_t ns = raw / unit * unit;
    expect_round_trip(Duration(rng.below(2) == 0 ? ns : -ns));
  }
}

TEST(Time, FormatDurationShort) {
  EXPECT_EQ("0s", format_duration_short(Duration(0)));
  EXPECT_EQ("1.234s", format_duration_short(Duration(1'234'000'000)));
  EXPECT_EQ("1.234s", format_duration_short(Duration(1'234'499'999)));
  EXPECT_EQ("1.235s", format_duration_short(Duration(1'234'500'000)));
  EXPECT_EQ("15.2ms", format_duration_short(Duration(15'200'000)));
  EXPECT_EQ("820us", format_duration_short(microseconds(820)));
  EXPECT_EQ("999ns", format_duration_short(Duration(999)));
  EXPECT_EQ("1us", format_duration_short(Duration(1000)));
  EXPECT_EQ("1.001us", format_duration_short(Duration(1001)));
  EXPECT_EQ("10s", format_duration_short(seconds(10)));
  EXPECT_EQ("3600s", format_duration_short(hours(1)));
  EXPECT_EQ("-2.5ms", format_duration_short(microseconds(-2500)));
  // Rounding may carry into the next unit.
  EXPECT_EQ("1s", format_duration_short(Duration(999'999'600)));
  EXPECT_EQ("1ms", format_duration_short(Duration(999'999)));
  EXPECT_EQ("1s", format_duration_short(Duration(999'500'000)));
  EXPECT_EQ("999.499ms", format_duration_short(Duration(999'499'400)));
  EXPECT_EQ("999.5ms", format_duration_short(Duration(999'499'500)));
  EXPECT_EQ("-9223372036.855s",
            format_duration_short(Duration(std::numeric_limits<int64_t>::min())));
}

TEST(Time, FormatTime) {
  EXPECT_EQ("0.000000s", format_time(TimePoint(0)));
  EXPECT_EQ("12.345678s", format_time(TimePoint(12'345'678'901)));
  EXPECT_EQ("1.500000s", format_time(TimePoint(1'500'000'000)));
  EXPECT_EQ("0.000001s", format_time(TimePoint(1'999)));
  EXPECT_EQ("0.000000s", format_time(TimePoint(999)));
  // Truncation is toward negative infinity, also below the origin.
  EXPECT_EQ("-0.000001s", format_time(TimePoint(-1)));
  EXPECT_EQ("-0.000001s", format_time(TimePoint(-1'000)));
  EXPECT_EQ("-0.000002s", format_time(TimePoint(-1'001)));
  EXPECT_EQ("-2.000000s", format_time(TimePoint(-2'000'000'000)));
  EXPECT_EQ("9223372036.854775s", format_time(TimePoint::max()));
  EXPECT_EQ("-9223372036.854776s", format_time(TimePoint::min()));
}

}  // namespace
}  // namespace time_test
}  // namespace leasesim
