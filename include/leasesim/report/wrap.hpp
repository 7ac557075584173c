// Word wrapping for the text outputs (reports, help, check's summaries).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace leasesim {

// Splits `text` into lines of at most `width` characters, breaking at spaces
// (runs of spaces collapse). A word longer than `width` stands alone on its
// line, unbroken. Empty text gives no lines. Control characters (a line
// break, a tab, an escape sequence's ESC, NUL) count as spaces: text from a
// scenario file reaches the terminal as text, never as its commands.
std::vector<std::string> wrap_text(const std::string& text, size_t width);

}  // namespace leasesim
