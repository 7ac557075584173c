#include "leasesim/world/trace_hash.hpp"

namespace leasesim {

void hash_record(TraceHasher& h, const Record& r) {
  switch (r.kind) {
    case world_rec::Send::kKind: {
      const auto s = decode_as<world_rec::Send>(r);
      hash_send(h, r.time, r.node, s.to, s.type, s.resource);
      return;
    }
    case world_rec::Deliver::kKind:
      hash_deliver(h, r.time, decode_as<world_rec::Deliver>(r).id);
      return;
    case world_rec::Timer::kKind: {
      const auto t = decode_as<world_rec::Timer>(r);
      hash_timer(h, r.time, r.node, t.timer, t.arg);
      return;
    }
    case world_rec::RunEnd::kKind:
      return;  // the trace's last line, about the run rather than in it
    default:
      h.add(r);
  }
}

}  // namespace leasesim
