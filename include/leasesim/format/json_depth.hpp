// How deep a JSON text nests, found by scanning its brackets before it is
// parsed: the JSON library parses recursively, so a text nested tens of
// thousands of levels deep would overflow the stack. Scenario files and
// --param values are refused past scenario_limits::kMaxJsonDepth.
#pragma once

#include <cstddef>
#include <string_view>

namespace leasesim::format {

// Position of the bracket that opens nesting level kMaxJsonDepth + 1, or
// npos. Brackets inside strings do not count. Needs no valid JSON: text
// that is not JSON simply does not nest.
size_t json_too_deep_at(std::string_view text);

}  // namespace leasesim::format
