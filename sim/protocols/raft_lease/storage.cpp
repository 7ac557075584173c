#include "leasesim/protocols/raft_lease/storage.hpp"

#include <algorithm>

namespace leasesim::raft_lease {

Storage::Storage(const StorageConfig& config, StorageDisk& disk, Rng rng)
    : cfg_(config), disk_(disk), rng_(rng) {
  if (disk_.highest.size() < cfg_.resources) disk_.highest.resize(cfg_.resources, 0);
  next_request_ = (++disk_.starts << 32) | 1;
  if (cfg_.sequencer.check) {
    LEASESIM_ASSERT(!cfg_.servers.empty(), "sequencer checking without servers");
    LEASESIM_ASSERT(cfg_.sequencer.window > Duration::zero(), "sequencer window must be positive");
    LEASESIM_ASSERT(cfg_.attempts > 0, "sequencer attempts must be positive");
    cache_.resize(cfg_.resources);
  }
}

void Storage::start(const LocalClocks&, Effects&) {
  // Which server to ask first is the storage's own draw, as a requestor's.
  if (cfg_.sequencer.check) target_ = static_cast<size_t>(rng_.below(cfg_.servers.size()));
}

Duration Storage::resend_after() const {
  return std::max(Duration(cfg_.sequencer.window.ns() / 4), milliseconds(1));
}

void Storage::on_message(const Message& m, const LocalClocks& now, Effects& out) {
  switch (type_of(m)) {
    case MsgType::kWrite:
      on_write(m, now, out);
      return;
    case MsgType::kValidated:
      on_validated(m, now, out);
      return;
    case MsgType::kRedirect:
      on_redirect(m, now, out);
      return;
    case MsgType::kDenied:
      // not_ready: a new leader is taking over; the resend timer asks again.
      return;
    default:
      return;
  }
}

void Storage::accept(const PendingWrite& w, Effects& out) {
  uint64_t& highest = disk_.highest[w.resource];
  out.emit(obs::WriteAccepted{w.resource, w.token, w.writer, w.lease, w.request_id});
  if (w.token > highest) highest = w.token;
  // The write is durable before the writer hears it was accepted.
  if (out.async_disk()) out.persist(PersistRequest{});
  Message& r = out.send(MsgType::kWriteReply, cfg_.self, w.writer);
  LeaseMsg& a = r.set<LeaseMsg>();
  r.resource = w.resource;
  a.token = w.token;
  a.lease = w.lease;
  a.request_id = w.request_id;
  a.success = true;
}

void Storage::reject(const PendingWrite& w, ErrorCode why, Effects& out) {
  out.emit(
      obs::WriteRejected{w.resource, w.token, w.writer, w.lease, disk_.highest[w.resource], why});
  Message& r = out.send(MsgType::kWriteReply, cfg_.self, w.writer);
  LeaseMsg& a = r.set<LeaseMsg>();
  r.resource = w.resource;
  a.token = w.token;
  a.lease = w.lease;
  a.request_id = w.request_id;
  a.success = false;
  a.error = why;
}

void Storage::on_write(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  if (m.resource >= cfg_.resources) return;
  const PendingWrite w{m.from, m.resource, p.lease, p.token, p.request_id};
  if (cfg_.fencing && w.token < disk_.highest[w.resource]) {
    reject(w, ErrorCode::kStaleToken, out);
    return;
  }
  if (!cfg_.sequencer.check) {
    accept(w, out);
    return;
  }
  const Cached& c = cache_[w.resource];
  if (c.lease == w.lease && now.mono < c.until) {
    accept(w, out);
    return;
  }
  if (c.lease > w.lease) {
    // A later lease of the resource was current when validated, so this
    // one is over for good (leases of a resource only grow).
    reject(w, ErrorCode::kUnknownLease, out);
    return;
  }
  pending_.push_back(w);
  for (const Validation& v : validations_)
    if (v.resource == w.resource && v.lease == w.lease) return;  // already asking
  start_validation(w.resource, w.lease, w.token, now, out);
}

void Storage::start_validation(ResourceId r, LeaseId lease, uint64_t token, const LocalClocks& now,
                               Effects& out) {
  Validation v;
  v.resource = r;
  v.lease = lease;
  v.token = token;
  v.request_id = next_request_++;
  v.first_sent = now.mono;
  validations_.push_back(v);
  send_validate(validations_.back(), now, out);
}

void Storage::send_validate(Validation& v, const LocalClocks& now, Effects& out) {
  Message& m = out.send(MsgType::kValidate, cfg_.self, target());
  LeaseMsg& q = m.set<LeaseMsg>();
  m.resource = v.resource;
  q.lease = v.lease;
  q.token = v.token;
  q.request_id = v.request_id;
  v.gen = next_gen_++;
  q.attempt = v.gen;  // a redirect echoes it: which send it answers
  out.set_timer(ClockKind::kMonotonic, now.mono + resend_after(), kResendTimer, v.gen);
}

void Storage::next_attempt(size_t i, const LocalClocks& now, Effects& out) {
  Validation& v = validations_[i];
  if (v.attempt >= cfg_.attempts) {
    const ResourceId r = v.resource;
    const LeaseId lease = v.lease;
    validations_.erase(validations_.begin() + static_cast<std::ptrdiff_t>(i));
    settle(r, lease, false, ErrorCode::kUnavailable, out);
    return;
  }
  ++v.attempt;
  v.request_id = next_request_++;  // answers to the old send keep the old anchor: ignore them
  v.first_sent = now.mono;
  send_validate(v, now, out);
}

Storage::Validation* Storage::find(uint64_t request_id) {
  for (Validation& v : validations_)
    if (v.request_id == request_id) return &v;
  return nullptr;
}

void Storage::note_server(NodeId from) {
  const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), from);
  if (it != cfg_.servers.end()) target_ = static_cast<size_t>(it - cfg_.servers.begin());
}

void Storage::on_validated(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  Validation* v = find(p.request_id);
  if (v == nullptr || v->resource != m.resource || v->lease != p.lease) return;  // stale
  note_server(m.from);
  const size_t i = static_cast<size_t>(v - validations_.data());
  if (!p.success) {
    const ResourceId r = v->resource;
    const LeaseId lease = v->lease;
    validations_.erase(validations_.begin() + static_cast<std::ptrdiff_t>(i));
    settle(r, lease, false, ErrorCode::kUnknownLease, out);
    return;
  }
  const TimePoint until = window_end(*v, p.ttl);
  if (now.mono >= until) {
    // Valid, but the window has run out (a slow answer, or a pause):
    // accepting now could follow the next holder's grant.
    next_attempt(i, now, out);
    return;
  }
  const ResourceId r = v->resource;
  const LeaseId lease = v->lease;
  validations_.erase(validations_.begin() + static_cast<std::ptrdiff_t>(i));
  Cached& c = cache_[r];
  if (lease > c.lease || (lease == c.lease && until > c.until)) c = Cached{lease, until};
  settle(r, lease, true, ErrorCode::kNone, out);
}

void Storage::on_redirect(const Message& m, const LocalClocks& now, Effects& out) {
  const LeaseMsg& p = m.as<LeaseMsg>();
  Validation* v = find(p.request_id);
  if (v == nullptr) return;
  const auto it = std::find(cfg_.servers.begin(), cfg_.servers.end(), p.leader_hint);
  if (it != cfg_.servers.end() && p.leader_hint != m.from) {
    // One resend per redirected send: every copy of a redirect names the
    // send it answers, and the first copy has acted on it already. (A
    // redirect of another send, e.g. a late one, still resends.)
    if (p.attempt != 0 && p.attempt == v->redirected_gen) return;
    v->redirected_gen = p.attempt;
    target_ = static_cast<size_t>(it - cfg_.servers.begin());
    send_validate(*v, now, out);
    return;
  }
  // No leader known (an election is under way): the resend timer tries
  // the next server.
}

void Storage::on_timer(const TimerFire& t, const LocalClocks& now, Effects& out) {
  LEASESIM_ASSERT(t.kind == kResendTimer, "unknown storage timer");
  for (size_t i = 0; i < validations_.size(); ++i) {
    Validation& v = validations_[i];
    if (v.gen != t.arg) continue;
    if (now.mono >= window_end(v, cfg_.sequencer.window)) {
      next_attempt(i, now, out);
    } else {
      // No answer from the server asked: try the next one (same request,
      // same anchor; whichever answer comes first counts).
      target_ = (target_ + 1) % cfg_.servers.size();
      send_validate(v, now, out);
    }
    return;
  }
}

void Storage::settle(ResourceId r, LeaseId lease, bool ok, ErrorCode why, Effects& out) {
  // In arrival order; fencing is judged at acceptance.
  size_t kept = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const PendingWrite w = pending_[i];
    if (w.resource != r || w.lease != lease) {
      pending_[kept++] = w;
      continue;
    }
    if (!ok)
      reject(w, why, out);
    else if (cfg_.fencing && w.token < disk_.highest[r])
      reject(w, ErrorCode::kStaleToken, out);
    else
      accept(w, out);
  }
  pending_.resize(kept);
}

}  // namespace leasesim::raft_lease
