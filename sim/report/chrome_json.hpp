// Text building blocks of the Chrome Trace Event JSON (chrome_trace.hpp),
// private to the report layer: numbers and strings appended without a
// JSON library, since a trace has millions of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace leasesim::chrome {

void append_int(std::string& out, int64_t v);
// Nanoseconds as microseconds with three decimals (the format's unit).
void append_us(std::string& out, int64_t ns);
// A JSON string literal, escaped.
void append_string(std::string& out, std::string_view s);
// Nanoseconds as milliseconds, exactly (up to six decimals).
std::string ms_text(int64_t ns);

}  // namespace leasesim::chrome
