// Word wrapping of the text outputs (report/wrap.hpp).
#include "leasesim/report/wrap.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leasesim {
namespace wrap_test {
namespace {

using Lines = std::vector<std::string>;

TEST(WrapText, BreaksAtSpacesWithinTheWidth) {
  EXPECT_EQ(wrap_text("a bb ccc  dddd", 6), (Lines{"a bb", "ccc", "dddd"}));
  EXPECT_EQ(wrap_text("unbreakableword x", 4), (Lines{"unbreakableword", "x"}));
  EXPECT_EQ(wrap_text("", 10), Lines{});
  EXPECT_EQ(wrap_text("   ", 10), Lines{});
}

// A scenario's description is the user's text: a line break, a tab or an
// escape sequence in it reaches the terminal as a space, never as a
// command (an ESC[2J in a description cleared the screen of whoever ran
// the scenario; found by an adversarial CLI test).
TEST(WrapText, ControlCharactersAreSpaces) {
  EXPECT_EQ(wrap_text("one\ntwo\tthree", 80), (Lines{"one two three"}));
  EXPECT_EQ(wrap_text(std::string("a\x1b[2Jb\x7f") + '\0' + "c", 80), (Lines{"a [2Jb c"}));
}

}  // namespace
}  // namespace wrap_test
}  // namespace leasesim
