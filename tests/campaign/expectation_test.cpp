// What a scenario's `expect` block demands of a run (campaign/expectation.hpp):
// "safety": "violation" needs a real violation, whatever else it lists;
// warnings (latent_overlap) never stand in for one; "safety": "holds" may
// demand warnings but no violation.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "leasesim/campaign/expectation.hpp"
#include "leasesim/check/violation.hpp"

namespace leasesim {
namespace expectation_test {
namespace {

RunResult run_with(std::initializer_list<ViolationKind> kinds) {
  RunResult r;
  for (const ViolationKind k : kinds) {
    Violation v;
    v.kind = k;
    r.violations.push_back(v);
    if (!is_warning(k)) ++r.failures;
  }
  return r;
}

Expectation expect(Expectation::Safety safety, std::vector<std::string> kinds = {}) {
  Expectation e;
  e.safety = safety;
  e.violation_kinds = std::move(kinds);
  return e;
}

constexpr auto kViolation = Expectation::Safety::kViolation;
constexpr auto kHolds = Expectation::Safety::kHolds;

TEST(Expectation, AViolationIsMetByAFailure) {
  EXPECT_TRUE(unmet_expectations(expect(kViolation), run_with({ViolationKind::kOverlap})).empty());
  EXPECT_EQ(unmet_expectations(expect(kViolation), run_with({})),
            std::vector<std::string>{"expected a violation, but safety held"});
}

// The case a shrink of a warning wrote: the listed warning occurred, safety
// held. Listing a warning kind must not turn "violation" into "anything".
TEST(Expectation, AWarningIsNotAViolation) {
  EXPECT_EQ(unmet_expectations(expect(kViolation, {"latent_overlap"}),
                               run_with({ViolationKind::kLatentOverlap})),
            std::vector<std::string>{"expected a violation, but safety held"});
  EXPECT_EQ(unmet_expectations(expect(kViolation), run_with({ViolationKind::kLatentOverlap})),
            std::vector<std::string>{"expected a violation, but safety held"});
  EXPECT_TRUE(unmet_expectations(expect(kViolation, {"latent_overlap"}),
                                 run_with({ViolationKind::kLatentOverlap, ViolationKind::kOverlap}))
                  .empty());
}

TEST(Expectation, EveryListedKindMustOccur) {
  EXPECT_EQ(unmet_expectations(expect(kViolation, {"overlap", "stale_write"}),
                               run_with({ViolationKind::kOverlap})),
            std::vector<std::string>{"expected a stale_write violation, found none"});
  EXPECT_TRUE(unmet_expectations(expect(kViolation, {"overlap", "stale_write"}),
                                 run_with({ViolationKind::kStaleWrite, ViolationKind::kOverlap}))
                  .empty());
}

TEST(Expectation, HoldsWithAListedWarning) {
  EXPECT_TRUE(unmet_expectations(expect(kHolds, {"latent_overlap"}),
                                 run_with({ViolationKind::kLatentOverlap}))
                  .empty());
  EXPECT_EQ(unmet_expectations(expect(kHolds, {"latent_overlap"}), run_with({})),
            std::vector<std::string>{"expected a latent_overlap warning, found none"});
  EXPECT_EQ(unmet_expectations(expect(kHolds, {"latent_overlap"}),
                               run_with({ViolationKind::kLatentOverlap, ViolationKind::kOverlap})),
            std::vector<std::string>{"expected safety to hold, found 1 violation(s): overlap"});
}

TEST(Expectation, MissingKindsAreNamedWithTheirArticle) {
  EXPECT_EQ(unmet_expectations(expect(kViolation, {"overlap"}), run_with({})),
            std::vector<std::string>{"expected an overlap violation, found none"});
}

TEST(Expectation, HoldsIgnoresUnlistedWarnings) {
  EXPECT_TRUE(
      unmet_expectations(expect(kHolds), run_with({ViolationKind::kLatentOverlap})).empty());
}

}  // namespace
}  // namespace expectation_test
}  // namespace leasesim
