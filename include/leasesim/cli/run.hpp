// The whole command line as a function, so a program can be leasesim with
// protocols of its own: register them (and the built-in ones), then call
// run() from main(). sim/main/leasesim.cpp is leasesim's own such program;
// tests/plugin/ builds one with a protocol from the test tree.
#pragma once

namespace leasesim::cli {

// Runs `leasesim ARGS...` and returns its exit code (0 ok, 1 violation or
// unmet expectation, 2 bad input or usage, 130 interrupted). Protocols must
// be registered before.
int run(int argc, char** argv);

}  // namespace leasesim::cli
