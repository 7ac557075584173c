#include "leasesim/protocol/storage.hpp"

namespace leasesim {

Storage::Storage(const StorageConfig& config, StorageDisk& disk) : cfg_(config), disk_(disk) {
  if (disk_.highest.size() < cfg_.resources) disk_.highest.resize(cfg_.resources, 0);
}

void Storage::start(const LocalClocks&, Effects&) {}

void Storage::on_timer(const TimerFire&, const LocalClocks&, Effects&) {
  LEASESIM_UNREACHABLE("storage sets no timers");
}

void Storage::on_message(const Message& m, const LocalClocks&, Effects& out) {
  if (m.type != MsgType::kWrite || m.resource >= cfg_.resources) return;
  uint64_t& highest = disk_.highest[m.resource];
  const bool accept = !cfg_.fencing || m.token >= highest;
  if (accept) {
    out.record(obs::kWriteAccepted, m.resource, m.token, m.from, m.lease);
    if (m.token > highest) highest = m.token;
  } else {
    out.record(obs::kWriteRejected, m.resource, m.token, m.from, m.lease, highest);
  }
  Message& r = out.send(MsgType::kWriteReply, cfg_.self, m.from);
  r.resource = m.resource;
  r.token = m.token;
  r.lease = m.lease;
  r.request_id = m.request_id;
  r.success = accept;
  if (!accept) r.error = ErrorCode::kStaleToken;
}

}  // namespace leasesim
