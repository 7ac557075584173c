// Fuzz target: arbitrary bytes as a scenario file, through the loader and
// validator. Beyond "no crash, no sanitizer report" it checks that
//   * the loader never reports an internal error (a caught exception),
//   * every diagnostic has a message,
//   * an accepted scenario round-trips: its canonical JSON loads again,
//     to the same canonical JSON.
// Inputs come from libFuzzer's byte mutations and from the structured
// mutator in fuzz_common.hpp (edits of valid scenarios).
#include <cstdio>
#include <cstdlib>

#include "fuzz_common.hpp"

using namespace leasesim;

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return fuzz::structured_mutate(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LoadResult r = load_scenario_text(text, "fuzz.json");
  fuzz::check_diagnostics(r);
  if (!r.ok()) return 0;

  const nlohmann::json canon = scenario_to_json(*r.scenario);
  const LoadResult again = load_scenario_json(canon, "fuzz.json");
  fuzz::check_diagnostics(again);
  if (!again.ok()) {
    std::fprintf(stderr, "fuzz: canonical form does not load:\n%s\n", canon.dump(2).c_str());
    for (const Diagnostic& d : again.errors) std::fprintf(stderr, "  %s\n", d.format().c_str());
    std::abort();
  }
  const nlohmann::json canon2 = scenario_to_json(*again.scenario);
  if (canon != canon2) {
    std::fprintf(stderr, "fuzz: canonical form is not stable:\n%s\n---\n%s\n",
                 canon.dump(2).c_str(), canon2.dump(2).c_str());
    std::abort();
  }
  return 0;
}
