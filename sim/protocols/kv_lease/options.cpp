// kv-lease's knob names and presets.
#include "leasesim/protocols/kv_lease/options.hpp"

#include <array>

namespace leasesim::kv_lease {

const char* to_string(ExpiryBasis v) {
  return v == ExpiryBasis::kObserved ? "observed" : "record";
}
const char* to_string(TimingCheck v) {
  switch (v) {
    case TimingCheck::kStrict:
      return "strict";
    case TimingCheck::kClientGo:
      return "client-go";
    case TimingCheck::kOff:
      return "off";
  }
  return "";
}
const char* to_string(Release v) {
  switch (v) {
    case Release::kNone:
      return "none";
    case Release::kOnCancel:
      return "on-cancel";
    case Release::kAfterStop:
      return "after-stop";
  }
  return "";
}
const char* to_string(Deadline v) {
  return v == Deadline::kSuccess ? "success" : "round";
}
const char* to_string(Anchor v) {
  return v == Anchor::kSend ? "send" : "receipt";
}
const char* to_string(Observe v) {
  return v == Observe::kVersion ? "version" : "spec";
}
const char* to_string(Reads v) {
  switch (v) {
    case Reads::kBarrier:
      return "barrier";
    case Reads::kLeader:
      return "leader";
    case Reads::kAny:
      return "any";
  }
  return "";
}
const char* to_string(Update v) {
  return v == Update::kCas ? "cas" : "blind";
}

namespace {
constexpr std::array<std::string_view, 5> kPresets = {"safe", "client-go", "wall-clock",
                                                      "slow-stop", "stale-reads"};
}  // namespace

std::span<const std::string_view> preset_names() {
  return kPresets;
}

bool preset_knobs(std::string_view preset, Knobs* out) {
  Knobs k;  // the safe choices
  if (preset == "safe") {
  } else if (preset == "client-go") {
    // client-go as shipped: its validation, ReleaseOnCancel, renew rounds,
    // observedTime taken when the reply arrives, records compared by content.
    k.timing_check = TimingCheck::kClientGo;
    k.release = Release::kOnCancel;
    k.deadline = Deadline::kRound;
    k.anchor = Anchor::kReceipt;
    k.observe = Observe::kSpec;
  } else if (preset == "wall-clock") {
    k.expiry_basis = ExpiryBasis::kRecord;
  } else if (preset == "slow-stop") {
    k.stop_latency = seconds(5);
  } else if (preset == "stale-reads") {
    k.reads = Reads::kAny;
    k.update = Update::kBlind;
  } else {
    return false;
  }
  *out = k;
  return true;
}

}  // namespace leasesim::kv_lease
