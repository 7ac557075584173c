// The main of every test binary: registers the built-in protocol modules
// (as the CLI does at start), then runs the tests.
#include <gtest/gtest.h>

#include "leasesim/protocols/builtin.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  leasesim::register_builtin_protocols();
  return RUN_ALL_TESTS();
}
