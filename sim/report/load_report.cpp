#include "leasesim/report/load_report.hpp"

#include <cstdio>

namespace leasesim {

namespace {

nlohmann::json dist(const Distribution& d) {
  return {{"count", d.count},      {"min_ns", d.min.ns()}, {"p50_ns", d.p50.ns()},
          {"p90_ns", d.p90.ns()},  {"p99_ns", d.p99.ns()}, {"max_ns", d.max.ns()},
          {"mean_ns", d.mean.ns()}};
}

std::string ms(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(d.ns()) / 1e6);
  return buf;
}

}  // namespace

nlohmann::json load_json(const Scenario& sc, const LoadStats& load) {
  nlohmann::json by_type = nlohmann::json::object();
  const auto names = sc.module().message_names();
  for (size_t t = 0; t < load.sent_by_type.size() && t < names.size(); ++t) {
    if (load.sent_by_type[t] == 0 && load.handled_by_type[t] == 0) continue;
    by_type[names[t]] = {{"sent", load.sent_by_type[t]}, {"handled", load.handled_by_type[t]}};
  }
  nlohmann::json by_node = nlohmann::json::object();
  const std::vector<std::string> nodes = sc.node_names();
  const size_t first_requestor = sc.servers.size() + sc.others.size();
  const bool all = nodes.size() <= 64;
  uint64_t req_sent = 0, req_handled = 0;
  for (size_t i = 0; i < nodes.size() && i < load.sent_by_node.size(); ++i) {
    if (all || i < first_requestor) {
      by_node[nodes[i]] = {{"sent", load.sent_by_node[i]}, {"handled", load.handled_by_node[i]}};
    } else {
      req_sent += load.sent_by_node[i];
      req_handled += load.handled_by_node[i];
    }
  }
  nlohmann::json j = {
      {"by_type", by_type},
      {"by_node", by_node},
      {"leader",
       {{"time_ns", load.leader_time.ns()},
        {"handled", load.leader_handled},
        {"sent", load.leader_sent},
        {"handled_per_s", load.leader_handled_per_s()},
        {"sent_per_s", load.leader_sent_per_s()},
        {"queue_delay", dist(load.leader_queue)}}},
      {"queue_delay", dist(load.queue)},
      {"election", dist(load.election)},
      {"election_heard", dist(load.election_heard)},
      {"elections_unfinished", load.elections_unfinished},
  };
  if (!all) j["by_node"]["requestors"] = {{"sent", req_sent}, {"handled", req_handled}};
  return j;
}

std::vector<std::string> load_lines(const LoadStats& load) {
  std::vector<std::string> out;
  char buf[200];
  if (load.election.count > 0 || load.elections_unfinished > 0) {
    std::snprintf(buf, sizeof buf,
                  "  election      after %llu leader crash(es): new leader p50 %s, majority "
                  "heard it p50 %s; unfinished %llu",
                  static_cast<unsigned long long>(load.election.count + load.elections_unfinished),
                  ms(load.election.p50).c_str(), ms(load.election_heard.p50).c_str(),
                  static_cast<unsigned long long>(load.elections_unfinished));
    out.emplace_back(buf);
  }
  if (load.leader_time > Duration::zero()) {
    std::snprintf(buf, sizeof buf, "  leader load   handled %.1f msg/s   sent %.1f msg/s",
                  load.leader_handled_per_s(), load.leader_sent_per_s());
    std::string line = buf;
    if (load.leader_queue.count > 0)
      line += "   queueing p50 " + ms(load.leader_queue.p50) + " p99 " + ms(load.leader_queue.p99);
    out.push_back(line);
  }
  return out;
}

}  // namespace leasesim
