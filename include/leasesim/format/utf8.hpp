// Well-formed UTF-8, checked before text reaches a JSON document: the JSON
// library throws when it writes a string that is not UTF-8, so scenario
// files, the paths they are named by (which reports, traces and results
// files record) and --param values are checked where they come in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace leasesim::format {

// Position of the first byte that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
// or npos.
size_t first_invalid_utf8(std::string_view s);

// "0xE9": the byte at `pos` of `s`, for messages.
std::string byte_text(std::string_view s, size_t pos);

}  // namespace leasesim::format
