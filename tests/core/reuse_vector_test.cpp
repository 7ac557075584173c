#include "leasesim/core/reuse_vector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace leasesim {
namespace reuse_vector_test {
namespace {

struct Item {
  uint64_t a = 0;
  uint64_t b = 0;
};

std::vector<uint64_t> as_values(const ReuseVector<Item>& v) {
  std::vector<uint64_t> out;
  for (const Item& i : v.span()) out.push_back(i.a);
  return out;
}

TEST(ReuseVector, ClearEmptiesWithoutForgettingStorage) {
  ReuseVector<Item> v;
  EXPECT_TRUE(v.empty());
  v.push_back(Item{1, 10});
  v.push_back(Item{2, 20});
  EXPECT_EQ(2u, v.size());
  const Item* storage = v.span().data();
  v.clear();
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(0u, v.span().size());
  v.push_back(Item{3, 30});
  EXPECT_EQ(storage, v.span().data());
  EXPECT_EQ(std::vector<uint64_t>{3}, as_values(v));
}

// What an element held before clear() never shows through: push() hands
// out a value-initialised element, as emplace_back() does (a record's
// unused fields must be zero: the trace hash covers them).
TEST(ReuseVector, PushHandsOutAValueInitialisedElementAfterClear) {
  ReuseVector<Item> v;
  v.push_back(Item{7, 70});
  v.push_back(Item{8, 80});
  v.clear();
  Item& fresh = v.push();
  EXPECT_EQ(0u, fresh.a);
  EXPECT_EQ(0u, fresh.b);
  fresh.a = 9;
  Item& second = v.push();
  EXPECT_EQ(0u, second.a);
  EXPECT_EQ(0u, second.b);
  Item& grown = v.push();  // beyond the storage used before
  EXPECT_EQ(0u, grown.a);
  EXPECT_EQ((std::vector<uint64_t>{9, 0, 0}), as_values(v));
}

TEST(ReuseVector, EraseIfKeepsTheOthersInOrder) {
  ReuseVector<Item> v;
  for (uint64_t i = 0; i < 7; ++i) v.push_back(Item{i, 0});
  v.erase_if([](const Item& i) { return i.a % 3 == 1; });
  EXPECT_EQ((std::vector<uint64_t>{0, 2, 3, 5, 6}), as_values(v));
  v.erase_if([](const Item&) { return true; });
  EXPECT_TRUE(v.empty());
}

}  // namespace
}  // namespace reuse_vector_test
}  // namespace leasesim
