// Bad scenarios, part two: what is wrong with the run it describes (lease
// and resources, requestors, network and clocks, faults, expectations,
// size), and several errors at once. The cases only;
// loader_errors_test.cpp runs them.
#include <string>
#include <vector>

#include "loader_errors_cases.hpp"

namespace leasesim::testing {

std::vector<BadCase> bad_run_cases() {
  return {
      // --- Lease and resources ---------------------------------------------
      {"MaxTtlTooSmall",
       doc(R"("lease": {"max_ttl": "2s"})"),
       {"x.json: /lease/max_ttl: expected a max_ttl of at least 5s, the largest ttl a requestor "
        "asks for (/lease/ttl), found \"2s\""}},
      {"ResourcesEmpty",
       doc(R"("resources": [])"),
       {"x.json: /resources: expected 1 to 1000000 resources, found 0"}},
      {"ResourcesAbsurd",
       doc(R"("resources": {"count": 5000000000})"),
       {"x.json: /resources/count: expected a resource count from 1 to 1000000, found "
        "5000000000"}},
      {"ResourcesDuplicate",
       doc(R"("resources": ["db", "db"])"),
       {"x.json: /resources/1: duplicate \"db\" (also at /resources/0)"}},
      {"SendWhileWritingNotABoolean",
       doc(R"("timing": {"disk": {"fsync": "2ms", "send_while_writing": "no"}})"),
       {"x.json: /timing/disk/send_while_writing: expected true or false, found \"no\""}},
      // --- Requestors --------------------------------------------------------
      {"RequestorTwoNamings",
       doc(R"("requestors": [{"name": "a", "count": 2}])"),
       {"x.json: /requestors/0: expected exactly one of the keys \"name\", \"names\" or "
        "\"count\", found \"name\" and \"count\""}},
      {"RequestorNoNaming",
       doc(R"("requestors": [{"ttl": "5s"}])"),
       {"x.json: /requestors/0: expected exactly one of the keys \"name\", \"names\" or "
        "\"count\", found none"}},
      {"PrefixWithoutCount",
       doc(R"("requestors": [{"name": "a", "prefix": "c"}])"),
       {"x.json: /requestors/0/prefix: \"prefix\" is only allowed together with \"count\""}},
      {"RequestorsTooManyInAll",
       doc(R"("requestors": [{"count": 600000}, {"count": 600000, "prefix": "d"}])"),
       {"x.json: /requestors: expected at most 1000000 requestors in all, found 1200000"}},
      {"ResourceRefsTooMany",
       // Lists count ("all" is a range and does not).
       doc(R"("resources": {"count": 1000}, "requestors": [{"count": 10001, "resources": )" +
           resource_list(1000) + "}]"),
       {"x.json: /requestors: expected at most 10000000 resources summed over all requestors "
        "(each requestor's list counts), found 10001000; give large groups fewer resources"}},
      {"RequestorUnknownResource",
       doc(R"("resources": ["db"], "requestors": [{"name": "a", "resources": ["dbx"]}])"),
       {"x.json: /requestors/0/resources/0: unknown resource \"dbx\" (resources: db)"}},
      {"RequestorResourcesWord",
       doc(R"("requestors": [{"name": "a", "resources": "some"}])"),
       {"x.json: /requestors/0/resources: expected \"all\" or an array of resource names, found "
        "\"some\""}},
      {"HoldInverted",
       doc(R"("requestors": [{"name": "a", "hold": {"min": "10s", "max": "2s"}}])"),
       {"x.json: /requestors/0/hold: expected hold min <= max, found min 10s > max 2s"}},
      {"HoldNumber",
       doc(R"("requestors": [{"name": "a", "hold": 5}])"),
       {"x.json: /requestors/0/hold: expected a duration like \"5s\", \"forever\" or {\"min\": "
        "\"2s\", \"max\": \"10s\"}, found 5"}},
      {"HoldRangeMissingMax",
       doc(R"("requestors": [{"name": "a", "hold": {"min": "1s"}}])"),
       {"x.json: /requestors/0/hold: missing required key \"max\""}},
      {"WriteEveryTooFine",
       doc(R"("requestors": [{"name": "a", "write_every": "10ns"}])"),
       {"x.json: /requestors/0/write_every: expected 0s or a duration from 1us to 720h, found "
        "\"10ns\""}},
      {"RequestorNameClash",
       doc(R"("requestors": [{"name": "n1"}])"),
       {"x.json: /requestors/0/name: duplicate node name \"n1\" (also at /core/servers)"}},
      {"RequestorNamesClash",
       doc(R"("requestors": [{"count": 3, "prefix": "c"}, {"names": ["x", "c2"]}])"),
       {"x.json: /requestors/1/names/1: duplicate node name \"c2\" (also at "
        "/requestors/0/count)"}},
      {"RequestorReservedStorage",
       doc(R"("requestors": [{"name": "storage"}])"),
       {"x.json: /requestors/0/name: \"storage\" is a reserved name (it names the storage "
        "node)"}},
      // --- Network and clocks ----------------------------------------------
      {"LossAboveOne",
       doc(R"("network": {"loss": 1.5})"),
       {"x.json: /network/loss: expected a probability from 0 to 1, found 1.5"}},
      {"LatencyDist",
       doc(R"("network": {"latency": {"dist": "normal"}})"),
       {"x.json: /network/latency/dist: expected one of \"constant\", \"uniform\", "
        "\"exponential\", \"lognormal\", found \"normal\""}},
      {"LatencyMissingKey",
       doc(R"("network": {"latency": {"dist": "uniform", "min": "1ms"}})"),
       {"x.json: /network/latency: missing required key \"max\""}},
      {"LatencyWrongKey",
       doc(R"("network": {"latency": {"dist": "constant", "value": "1ms", "min": "1ms"}})"),
       {"x.json: /network/latency/min: unknown key \"min\" (known keys: dist, value)"}},
      {"LatencyInverted",
       doc(R"("network": {"latency": {"dist": "uniform", "min": "9ms", "max": "1ms"}})"),
       {"x.json: /network/latency: expected latency min <= max, found min 9ms > max 1ms"}},
      {"LinkUnknownNode",
       doc(R"("network": {"links": [{"from": "n7", "to": "n1"}]})"),
       {std::string("x.json: /network/links/0/from: unknown node \"n7\" ") + kNodes}},
      {"LinkSelf",
       doc(R"("network": {"links": [{"from": "n1", "to": "n1"}]})"),
       {"x.json: /network/links/0/to: expected a node other than \"from\", found \"n1\" again"}},
      {"LinkTwice",
       doc(R"("network": {"links": [{"from": "n1", "to": "n2", "symmetric": true},
                                    {"from": "n2", "to": "n1"}]})"),
       {"x.json: /network/links/1: the link n2 -> n1 is already overridden at /network/links/0"}},
      {"ClockUnknownNode",
       doc(R"("clocks": {"nodes": {"bob": {"offset": "1ms"}}})"),
       {std::string("x.json: /clocks/nodes/bob: unknown node \"bob\" ") + kNodes}},
      {"ClockDriftAbsurd",
       doc(R"("clocks": {"default": {"drift_ppm": 200000}})"),
       {"x.json: /clocks/default/drift_ppm: expected a drift in ppm from -100000 to 100000, "
        "found 200000"}},
      {"ClockOffsetTooBig",
       doc(R"("clocks": {"nodes": {"n1": {"offset": "-25h"}}})"),
       {"x.json: /clocks/nodes/n1/offset: expected a duration from -24h to 24h, found "
        "\"-25h\""}},
      {"ClockBadNodeKey",
       doc(R"("clocks": {"nodes": {"n 1": {}}})"),
       {"x.json: /clocks/nodes/n 1: expected a name of letters, digits, \".\", \"_\" and \"-\", "
        "found \"n 1\""}},
      // --- Faults ------------------------------------------------------------
      {"FaultAtSyntax",
       doc(R"("faults": [{"at": "1s", "kind": "heal"}, {"at": "2s", "kind": "heal"},
                         {"at": "3s", "kind": "heal"}, {"at": "abc", "kind": "heal"}])"),
       {"x.json: /faults/3/at: expected a duration like \"150ms\", found \"abc\""}},
      {"FaultAtNegative",
       doc(R"("faults": [{"at": "-1s", "kind": "heal"}])"),
       {"x.json: /faults/0/at: expected a non-negative duration, found \"-1s\""}},
      {"FaultAtEnd",
       doc(R"("faults": [{"at": "60s", "kind": "crash", "target": "n1"}])"),
       {"x.json: /faults/0/at: expected a time before the end of the run (duration \"60s\"), found "
        "\"60s\""}},
      // A range past the end names its bound, not the whole object.
      {"FaultAtRangeEnd",
       doc(R"("faults": [{"at": {"min": "1s", "max": "75s"}, "kind": "crash", "target": "n1"}])"),
       {"x.json: /faults/0/at/max: expected a time before the end of the run (duration \"60s\"), "
        "found \"75s\""}},
      {"FaultUnknownTarget",
       doc(R"("requestors": [{"names": ["alice", "bob"]}], "faults": [
                {"at": "1s", "kind": "crash", "target": "n1"},
                {"at": "2s", "kind": "restart", "target": "n1"},
                {"at": "3s", "kind": "crash", "target": "n7"}])"),
       {"x.json: /faults/2/target: unknown node \"n7\" (nodes: n1, n2, n3, alice, bob)"}},
      {"FaultKindTypo",
       doc(R"("faults": [{"at": "1s", "kind": "crsh", "target": "n1"}])"),
       {"x.json: /faults/0/kind: expected one of \"crash\", \"restart\", \"pause\", "
        "\"partition\", \"cut\", \"isolate\", \"heal\", \"clock_step\", \"drift\", \"network\", "
        "found \"crsh\" (did you mean \"crash\"?)"}},
      {"FaultNoKind",
       doc(R"("faults": [{"at": "1s", "target": "n1"}])"),
       {"x.json: /faults/0: missing required key \"kind\""}},
      {"FaultNotObject",
       doc(R"("faults": ["crash n1"])"),
       {"x.json: /faults/0: expected an object, found \"crash n1\""}},
      {"PauseNeedsDuration",
       doc(R"("faults": [{"at": "1s", "kind": "pause", "target": "n1"}])"),
       {"x.json: /faults/0: missing required key \"duration\""}},
      {"HealTakesNoTarget",
       doc(R"("faults": [{"at": "1s", "kind": "heal", "target": "n1"}])"),
       {"x.json: /faults/0/target: unknown key \"target\" (known keys: kind, at)"}},
      {"PartitionOneGroup",
       doc(R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1", "n2"]]}])"),
       {"x.json: /faults/0/groups: expected at least 2 groups, found 1"}},
      {"PartitionEmptyGroup",
       doc(R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1"], []]}])"),
       {"x.json: /faults/0/groups/1: expected at least 1 nodes, found 0"}},
      {"PartitionNodeTwice",
       doc(R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1", "n2"], ["n1"]]}])"),
       {"x.json: /faults/0/groups/1/0: expected each node in at most one group, found \"n1\" "
        "again (also at /faults/0/groups/0/0)"}},
      {"CutSelf",
       doc(R"("faults": [{"at": "1s", "kind": "cut", "from": "n2", "to": "n2"}])"),
       {"x.json: /faults/0/to: expected a node other than \"from\", found \"n2\" again"}},
      {"HolderUnknownResource",
       doc(R"("faults": [{"at": "1s", "kind": "pause", "target": "holder:db", "duration": "1s"}])"),
       {"x.json: /faults/0/target: unknown resource \"db\" (resources: r1)"}},
      {"TargetMalformed",
       doc(R"("faults": [{"at": "1s", "kind": "isolate", "target": "holder:"}])"),
       {"x.json: /faults/0/target: expected a node name, \"leader\" or \"holder:RESOURCE\", "
        "found \"holder:\""}},
      {"StorageTargetWithoutStorage",
       doc(R"("faults": [{"at": "1s", "kind": "isolate", "target": "storage"}])"),
       {std::string("x.json: /faults/0/target: unknown node \"storage\" ") + kNodes}},
      {"NetworkFaultEmpty",
       doc(R"("faults": [{"at": "1s", "kind": "network", "duration": "1s"}])"),
       {"x.json: /faults/0: expected at least one of the keys \"loss\", \"duplicate\" or "
        "\"latency\", found none"}},
      {"DriftPpmString",
       doc(R"("faults": [{"at": "1s", "kind": "drift", "target": "n1", "ppm": "500"}])"),
       {"x.json: /faults/0/ppm: expected a drift in ppm from -100000 to 100000, found \"500\""}},
      {"TooManyFaults",
       many_faults(100001),
       {"x.json: /faults: expected at most 100000 faults, found 100001"}},
      // --- Expect ------------------------------------------------------------
      // With "holds", "violations" may only demand warnings.
      {"ViolationsWithHolds",
       doc(R"("expect": {"safety": "holds", "violations": ["latent_overlap", "overlap"]})"),
       {"x.json: /expect/violations/1: expected a warning kind (\"latent_overlap\") with "
        "\"safety\": \"holds\", found \"overlap\""}},
      {"ViolationsWithoutSafety",
       doc(R"("expect": {"violations": ["overlap"]})"),
       {"x.json: /expect/violations: \"violations\" needs \"safety\" (\"violation\", or "
        "\"holds\" with warning kinds only), found no \"safety\""}},
      {"ViolationKindTypo",
       doc(R"("expect": {"safety": "violation", "violations": ["overlaps"]})"),
       {"x.json: /expect/violations/0: expected one of \"overlap\", \"stale_write\", "
        "\"latent_overlap\", \"election_safety\", \"committed_changed\", found \"overlaps\" "
        "(did you mean \"overlap\"?)"}},
      {"AvailabilityAboveOne",
       doc(R"("expect": {"min_availability": 2})"),
       {"x.json: /expect/min_availability: expected a fraction from 0 to 1, found 2"}},
      {"MinElectionsAboveMax",
       doc(R"("expect": {"min_elections": 3, "max_elections": 2})"),
       {"x.json: /expect/min_elections: expected min_elections <= max_elections, found 3 > 2"}},
      {"MinElectionsNegative",
       doc(R"("expect": {"min_elections": -1})"),
       {"x.json: /expect/min_elections: expected a non-negative integer, found -1"}},
      // --- Size of the run -------------------------------------------------
      {"EventBudget",
       R"({"name": "t", "duration": "720h", "core": {"heartbeat": "1us", "election_timeout":
           {"min": "1ms", "max": "2ms"}}})",
       {"x.json: /duration: the scenario would need about 7.8e+12 events (the limit is 1e+10); "
        "shorten the duration or lengthen the intervals"}},
      // A request retried every request_timeout (its answers lost) counts:
      // 1 us for 720 h ran for a day (found by an adversarial CLI test).
      {"EventBudgetCountsRequestRetries",
       R"({"name": "t", "duration": "720h",
           "requestors": [{"name": "alice", "request_timeout": "1us"}]})",
       {"x.json: /duration: the scenario would need about 2.6e+12 events (the limit is 1e+10); "
        "shorten the duration or lengthen the intervals"}},
      {"EventBudgetCountsSessionRetries",
       R"({"name": "t", "duration": "720h", "protocol": {"name": "session-lease"},
           "session": {"request_timeout": "1us"}, "requestors": [{"name": "alice"}]})",
       {"x.json: /duration: the scenario would need about 2.6e+12 events (the limit is 1e+10); "
        "shorten the duration or lengthen the intervals"}},
      {"EventBudgetCountsElectorRetries",
       R"({"name": "t", "duration": "720h", "protocol": {"name": "kv-lease"},
           "election": {"request_timeout": "1us"}, "electors": [{"name": "alice"}]})",
       {"x.json: /duration: the scenario would need about 2.6e+12 events (the limit is 1e+10); "
        "shorten the duration or lengthen the intervals"}},
      // Every kv-lease election (elector x resource) keeps timers from the
      // start: 18 electors of a million resources aborted the run on the
      // event queue's limit (found by a review).
      {"TooManyElections",
       R"({"name": "t", "duration": "10s", "protocol": {"name": "kv-lease"},
           "resources": {"count": 1000000}, "electors": [{"count": 2}]})",
       {"x.json: /electors: expected at most 1000000 elections in all (each elector times the "
        "resources it campaigns for), found 2000000"}},
      // --- Several at once -------------------------------------------------
      {"SeveralErrorsAtOnce",
       R"({"name": "t", "duration": "60s", "seed": "x",
           "core": {"servers": 3, "heartbeet": "1ms"},
           "network": {"loss": -1},
           "faults": [{"at": "1s", "kind": "crash", "target": "n9"},
                      {"at": "2s", "kind": "pause", "target": "n1", "duration": "0s"}]})",
       {"x.json: /seed: expected a non-negative integer, found \"x\"",
        "x.json: /core/heartbeet: unknown key \"heartbeet\" (did you mean \"heartbeat\"?)",
        "x.json: /network/loss: expected a probability from 0 to 1, found -1",
        "x.json: /faults/1/duration: expected a positive duration, found \"0s\"",
        std::string("x.json: /faults/0/target: unknown node \"n9\" ") + kNodes}},
  };
}

}  // namespace leasesim::testing
