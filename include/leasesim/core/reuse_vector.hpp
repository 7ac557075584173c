// A vector for per-step scratch output that is filled, read and cleared
// once per engine event (protocol/node.hpp's Effects).
//
// clear() only resets the count: no branch on whether anything was added.
// std::vector::clear() tests for emptiness first, and whether a step added
// a record, a timer or a cancel depends on the event, so that test was a
// mispredicted branch several times per event (W1 C = 1k, callgrind's
// branch simulation: about a fifth of the run's mispredictions).
//
// Elements past the count keep their storage and are overwritten by the
// next push() (which value-initialises the slot first, as
// std::vector::emplace_back() does) or push_back(). So T must be a plain
// struct: a T that owned memory would keep it past clear().
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

namespace leasesim {

template <class T>
class ReuseVector {
  static_assert(std::is_trivially_destructible_v<T>, "elements outlive clear()");

 public:
  // Appends a value-initialised element and returns it.
  T& push() {
    if (count_ == items_.size()) {
      items_.emplace_back();
    } else {
      items_[count_] = T{};
    }
    return items_[count_++];
  }
  void push_back(const T& v) {
    if (count_ == items_.size()) {
      items_.push_back(v);
    } else {
      items_[count_] = v;
    }
    ++count_;
  }

  void clear() { count_ = 0; }
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  std::span<T> span() { return {items_.data(), count_}; }
  std::span<const T> span() const { return {items_.data(), count_}; }

  // Removes the elements for which pred is true, keeping the others' order.
  template <class Pred>
  void erase_if(Pred pred) {
    size_t kept = 0;
    for (size_t i = 0; i < count_; ++i) {
      if (!pred(items_[i])) {
        if (kept != i) items_[kept] = items_[i];
        ++kept;
      }
    }
    count_ = kept;
  }

 private:
  std::vector<T> items_;  // items_[0, count_) are the elements
  size_t count_ = 0;
};

}  // namespace leasesim
