// solo-lease's ProtocolModule: its scenario block (format tables, reading
// with the loader's diagnostics, a cross-field rule, canonical JSON), its
// presets and knobs, its nodes, and its trace vocabulary.
#include <array>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "leasesim/core/assert.hpp"
#include "leasesim/format/reader.hpp"
#include "leasesim/format/types.hpp"
#include "solo_lease.hpp"

namespace leasesim::solo {

bool preset_knobs(std::string_view preset, Knobs* out) {
  if (preset == "safe") {
    *out = Knobs{Anchor::kSend, milliseconds(50), true};
  } else if (preset == "trusting") {
    *out = Knobs{Anchor::kReceipt, Duration::zero(), false};
  } else {
    return false;
  }
  return true;
}

namespace {

using format::Field;
using format::Type;
using nlohmann::json;

constexpr const char* kAnchorNames[] = {"send", "receipt"};
constexpr const char* kMsgNames[] = {"acquire", "renew",   "release", "granted",
                                     "denied",  "renewed", "released"};

const Config& config_of(const ProtocolConfig& c) {
  const auto* sc = dynamic_cast<const Config*>(&c);
  LEASESIM_ASSERT(sc != nullptr, "not a solo-lease config");
  return *sc;
}

// The block's types, built once (the loader and the schema point at them).
struct Tables {
  format::Builder b;
  ProtocolModule::Format format;
  const Type* knobs;
  const Type* protocol;  // the protocol object as read here (name is the loader's)
  const Type* solo;

  Tables() {
    const format::Common& c = format::common();
    knobs =
        b.object("Knob overrides on top of the preset.",
                 {
                     {"anchor", b.enumeration({"send", "receipt"}), false,
                      "Where the holder anchors its deadline.", nullptr},
                     {"margin", c.d_nonneg, false, "How much early the holder gives up.", nullptr},
                     {"restart_wait", c.boolean, false,
                      "A restarted server grants nothing for a ttl.", nullptr},
                 });
    format.protocol_fields = {
        {"preset", b.enumeration({"safe", "trusting"}), false, "The preset.", "safe"},
        {"knobs", knobs, false, "Overrides of individual knobs.", nullptr},
    };
    std::vector<Field> pf = {{"name", c.any_string, false, "The protocol.", nullptr}};
    pf.insert(pf.end(), format.protocol_fields.begin(), format.protocol_fields.end());
    protocol = b.object("The protocol and its variant.", std::move(pf));
    solo = b.object("One lease server and its requestors.",
                    {
                        {"server", c.name, false, "The server's name.", "server"},
                        {"requestors", b.integer(1, 1000, "a requestor count from 1 to 1000"),
                         false, "How many requestors, named prefix1..prefixN.", 2},
                        {"prefix", c.name, false, "The requestors' name prefix.", "c"},
                        {"ttl", c.d_pos, false, "The lease time-to-live.", "2s"},
                        {"renew_every", c.d_interval, false, "How often a holder renews.", "500ms"},
                        {"hold", c.d_pos, false, "How long a holder keeps a lease.", "3s"},
                        {"think", c.d_nonneg, false, "Longest pause between holds.", "500ms"},
                    });
    format.top_keys = {
        {{"solo", solo, false, "The lease server and its requestors.", nullptr}, "protocol"}};
    // One server and counted requestors: nothing `leasesim shrink` can remove.
    format.requestors_key = "";
    format.servers_key = "";
  }
};

const Tables& tables() {
  static const Tables* const t = new Tables();  // never destroyed: types point into it
  return *t;
}

BlockOutput load(const BlockInput& in, format::Sink& diag) {
  const Tables& t = tables();
  auto c = std::make_shared<Config>();
  c->resources = static_cast<uint32_t>(in.resources.size());
  const json* p = in.doc.contains("protocol") ? &in.doc["protocol"] : nullptr;
  format::get_string(p, t.protocol, "preset", &c->preset);
  preset_knobs(c->preset, &c->knobs);
  const json* k = format::member(p, t.protocol, "knobs");
  std::string anchor;
  if (format::get_string(k, t.knobs, "anchor", &anchor))
    c->knobs.anchor = anchor == "send" ? Anchor::kSend : Anchor::kReceipt;
  format::get_duration(k, t.knobs, "margin", &c->knobs.margin);
  format::get_bool(k, t.knobs, "restart_wait", &c->knobs.restart_wait);

  const json* s = in.doc.contains("solo") ? &in.doc["solo"] : nullptr;
  format::get_string(s, t.solo, "server", &c->server);
  format::get_u32(s, t.solo, "requestors", &c->requestors);
  format::get_string(s, t.solo, "prefix", &c->prefix);
  format::get_duration(s, t.solo, "ttl", &c->ttl);
  format::get_duration(s, t.solo, "renew_every", &c->renew_every);
  format::get_duration(s, t.solo, "hold", &c->hold);
  format::get_duration(s, t.solo, "think", &c->think);

  BlockOutput out;
  out.nodes.servers = {c->server};
  for (uint32_t i = 1; i <= c->requestors; ++i)
    out.nodes.requestors.push_back(c->prefix + std::to_string(i));
  out.origin = [](NodeId id) { return id == 0 ? "/solo/server" : "/solo/prefix"; };
  // A rule across fields, reported after the generic sections' messages.
  const Duration ttl = c->ttl, renew = c->renew_every;
  out.late_checks = [ttl, renew](format::Sink& d) {
    if (renew >= ttl)
      d.error("/solo/renew_every", "expected a renewal interval shorter than the ttl (" +
                                       format_duration(ttl) + "), found \"" +
                                       format_duration(renew) + "\"");
  };
  out.preset = c->preset;
  out.config = std::move(c);
  (void)diag;  // every problem of this block is structural or a late check
  return out;
}

json knobs_json(const Knobs& k) {
  return {{"anchor", kAnchorNames[static_cast<size_t>(k.anchor)]},
          {"margin", format_duration(k.margin)},
          {"restart_wait", k.restart_wait}};
}

std::vector<KnobValue> knob_values(const Knobs& k) {
  return {{"anchor", kAnchorNames[static_cast<size_t>(k.anchor)], KnobType::kEnum},
          {"margin", format_duration(k.margin), KnobType::kDuration},
          {"restart_wait", k.restart_wait ? "true" : "false", KnobType::kBool}};
}

class Module final : public ProtocolModule {
 public:
  std::string_view name() const override { return "solo-lease"; }
  std::string_view description() const override {
    return "one lease server without consensus, and its requestors (a test-tree protocol)";
  }
  const Format& scenario_format() const override { return tables().format; }
  BlockOutput load(const BlockInput& in, format::Sink& diag) const override {
    return solo::load(in, diag);
  }
  double events_per_second(const ProtocolConfig& pc) const override {
    const Config& c = config_of(pc);
    return 4.0 * c.requestors * static_cast<double>(seconds(1).ns()) /
           static_cast<double>(c.renew_every.ns());
  }
  void to_json(const ProtocolConfig& pc, const ScenarioNames&, json* doc) const override {
    const Config& c = config_of(pc);
    (*doc)["protocol"]["preset"] = c.preset;
    (*doc)["protocol"]["knobs"] = knobs_json(c.knobs);
    (*doc)["solo"] = {{"server", c.server},
                      {"requestors", c.requestors},
                      {"prefix", c.prefix},
                      {"ttl", format_duration(c.ttl)},
                      {"renew_every", format_duration(c.renew_every)},
                      {"hold", format_duration(c.hold)},
                      {"think", format_duration(c.think)}};
  }
  ProtocolCatalog catalog() const override {
    ProtocolCatalog cat{
        std::string(name()),
        std::string(description()),
        {{"anchor", "send, receipt", "where the holder anchors its deadline"},
         {"margin", "a duration", "how much early the holder gives up"},
         {"restart_wait", "true, false", "a restarted server grants nothing for a ttl"}},
        {}};
    for (const char* p : {"safe", "trusting"}) {
      Knobs k;
      preset_knobs(p, &k);
      cat.presets.push_back({p,
                             p == std::string("safe") ? "anchored at send, with a margin"
                                                      : "anchored at receipt, no margin",
                             knob_values(k)});
    }
    return cat;
  }
  std::vector<KnobSetting> effective_knobs(const ProtocolConfig& pc) const override {
    const Config& c = config_of(pc);
    Knobs base;
    preset_knobs(c.preset, &base);
    return compare_knobs(knob_values(c.knobs), knob_values(base));
  }
  std::unique_ptr<DurableState> make_disk(const ProtocolConfig&, NodeId id) const override {
    if (id == 0) return std::make_unique<ServerDisk>();
    return nullptr;
  }
  std::unique_ptr<Node> make_node(const ProtocolConfig& pc, NodeId id, DurableState* disk,
                                  Rng rng) const override {
    const Config& c = config_of(pc);
    if (id == 0) return make_server(c, static_cast<ServerDisk&>(*disk));
    return make_requestor(c, id, rng);
  }
  std::span<const KindDesc> record_kinds() const override { return {}; }
  std::span<const char* const> message_names() const override { return kMsgNames; }
};

}  // namespace

const ProtocolModule& module() {
  static const Module m;
  return m;
}

}  // namespace leasesim::solo
