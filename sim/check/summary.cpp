#include "summary.hpp"

namespace leasesim::summary {
namespace {

// "for 800ms: 10.2s..11.0s", or, for a stretch the run's end cut short,
// "for at least 800ms: 10.2s.. (the run ended at 11.0s)".
std::string stretch(const Violation& v) {
  if (v.cut_by_run_end)
    return "for at least " + format_duration_short(v.to - v.from) + ": " + format_instant(v.from) +
           ".. (the run ended at " + format_instant(v.to) + ")";
  return "for " + format_duration_short(v.to - v.from) + ": " + format_instant(v.from) + ".." +
         format_instant(v.to);
}

std::string party(const TraceSchema* schema, NodeId n, uint64_t lease, const Segments& s,
                  bool at_end) {
  return node(schema, n) + " (lease " + std::to_string(lease) + ", believed " +
         segments(s, at_end) + ")";
}

}  // namespace

std::string node(const TraceSchema* schema, NodeId n) {
  if (schema && n < schema->names(name_table::kNodes).size())
    return schema->names(name_table::kNodes)[n];
  return n == kInvalidNode ? std::string("?") : "node" + std::to_string(n);
}

std::string resource(const TraceSchema* schema, ResourceId r) {
  if (schema && r < schema->names(name_table::kResources).size())
    return schema->names(name_table::kResources)[r];
  return "resource" + std::to_string(r);
}

std::string segments(const Segments& s, bool at_end) {
  if (s.empty()) return "never";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += ", ";
    out += format_instant(s[i].first) + "..";
    if (!(at_end && i + 1 == s.size())) out += format_instant(s[i].second);
  }
  return out;
}

std::string overlap(const Violation& v, const TraceSchema* schema) {
  return party(schema, v.first, v.first_lease, v.first_belief, v.first_at_end) + " and " +
         party(schema, v.second, v.second_lease, v.second_belief, v.second_at_end) +
         " overlapped on " + resource(schema, v.resource) + " " + stretch(v);
}

std::string latent_overlap(const Violation& v, const TraceSchema* schema) {
  return party(schema, v.first, v.first_lease, v.first_belief, v.first_at_end) + " still held " +
         resource(schema, v.resource) + " after the core had freed its lease, " + stretch(v);
}

}  // namespace leasesim::summary
