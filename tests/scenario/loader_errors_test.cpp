// Every way a scenario can be wrong, with the exact message a user sees.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "leasesim/scenario/loader.hpp"
#include "scenario_test_util.hpp"

namespace leasesim {
namespace {

using testing::formatted;

struct BadCase {
  const char* name;
  std::string text;
  std::vector<std::string> errors;  // exact, in order
};

// A valid minimal scenario with `extra` spliced in after the required keys.
std::string doc(const std::string& extra) {
  return std::string(R"({"name": "t", "duration": "60s")") + (extra.empty() ? "" : ", " + extra) +
         "}";
}

std::string deep(int levels) {
  std::string s = R"({"name": "t", "duration": "60s", "x": )";
  for (int i = 1; i < levels; ++i) s += "[";
  for (int i = 1; i < levels; ++i) s += "]";
  return s + "}";
}

std::string many_faults(size_t n) {
  std::string s = R"({"name": "t", "duration": "60s", "faults": [)";
  for (size_t i = 0; i < n; ++i) s += std::string(i ? "," : "") + R"({"at":"1s","kind":"heal"})";
  return s + "]}";
}

// ["r1", ..., "rN"]
std::string resource_list(size_t n) {
  std::string s = "[";
  for (size_t i = 1; i <= n; ++i) s += (i > 1 ? ",\"r" : "\"r") + std::to_string(i) + "\"";
  return s + "]";
}

const char* const kNodes = "(nodes: n1, n2, n3, alice)";

std::vector<BadCase> bad_cases() {
  return {
      // --- Syntax and text ------------------------------------------------
      {"SyntaxTrailingComma",
       "{\"name\": \"t\",\n  \"duration\": \"60s\",\n}",
       {"x.json: line 3, column 1: JSON syntax error: while parsing object key - unexpected "
        "'}'; expected string literal"}},
      {"SyntaxBadLiteral",
       "{\"name\": \"t\", \"duration\": tru}",
       {"x.json: line 1, column 30: JSON syntax error: while parsing value - invalid literal"}},
      {"SyntaxUnclosed",
       "{\"name\": \"t\"",
       {"x.json: line 1, column 13: JSON syntax error: while parsing object - unexpected end of "
        "input; expected '}'"}},
      {"SyntaxTrailingGarbage",
       doc("") + " x",
       {"x.json: line 1, column 34: JSON syntax error: while parsing value - invalid literal; "
        "expected end of input"}},
      {"NumberOverflow",
       doc("\"seed\": 1e999"),
       {"x.json: line 1, column 42: JSON syntax error: number overflow parsing '1e999'"}},
      {"EmptyText", "", {"x.json: the file is empty (expected a JSON object)"}},
      {"OnlyWhitespace", " \n\t ", {"x.json: the file is empty (expected a JSON object)"}},
      {"NotUtf8",
       "{\"name\": \"t\",\n \"description\": \"caf\xe9\", \"duration\": \"60s\"}",
       {"x.json: line 2, column 21: not valid UTF-8 (byte 0xE9); scenario files must be UTF-8"}},
      {"Utf8Surrogate",
       "{\"name\": \"t\", \"description\": \"\xed\xa0\x80\", \"duration\": \"60s\"}",
       {"x.json: line 1, column 31: not valid UTF-8 (byte 0xED); scenario files must be UTF-8"}},
      {"TooDeep", deep(65), {"x.json: line 1, column 102: JSON nesting deeper than 64 levels"}},
      {"DuplicateKey",
       doc(R"("core": {"heartbeat": "50ms", "heartbeat": "60ms"})"),
       {"x.json: /core/heartbeat: duplicate key \"heartbeat\" (each key may appear once in an "
        "object)"}},
      // --- Root ------------------------------------------------------------
      {"RootArray", "[1, 2]", {"x.json: (root): expected an object, found an array"}},
      {"RootString", "\"scenario\"", {"x.json: (root): expected an object, found \"scenario\""}},
      {"MissingRequired",
       "{}",
       {"x.json: (root): missing required key \"name\"",
        "x.json: (root): missing required key \"duration\""}},
      {"UnknownRootKeyNear",
       R"({"name": "t", "durations": "60s"})",
       {"x.json: /durations: unknown key \"durations\" (did you mean \"duration\"?)",
        "x.json: (root): missing required key \"duration\""}},
      {"UnknownRootKeyFar",
       doc(R"("zzz": 1)"),
       {"x.json: /zzz: unknown key \"zzz\" (known keys: $schema, name, description, seed, "
        "duration, protocol, core, lease, resources, requestors, network, clocks, timing, faults, "
        "expect, explore)"}},
      {"BadName",
       R"({"name": "Leader Failover", "duration": "60s"})",
       {"x.json: /name: expected a name of lowercase letters, digits, \".\", \"_\" and \"-\", "
        "found \"Leader Failover\""}},
      {"SeedNegative",
       doc(R"("seed": -1)"),
       {"x.json: /seed: expected a non-negative integer, found -1"}},
      {"SeedString",
       doc(R"("seed": "42")"),
       {"x.json: /seed: expected a non-negative integer, found \"42\""}},
      {"SeedFraction",
       doc(R"("seed": 1.5)"),
       {"x.json: /seed: expected a non-negative integer, found 1.5"}},
      {"DurationSyntax",
       R"({"name": "t", "duration": "abc"})",
       {"x.json: /duration: expected a duration like \"150ms\", found \"abc\""}},
      {"DurationNegative",
       R"({"name": "t", "duration": "-5s"})",
       {"x.json: /duration: expected a positive duration, found \"-5s\""}},
      {"DurationZero",
       R"({"name": "t", "duration": "0s"})",
       {"x.json: /duration: expected a positive duration, found \"0s\""}},
      {"DurationTooLong",
       R"({"name": "t", "duration": "721h"})",
       {"x.json: /duration: expected a duration of at most 720h, found \"721h\""}},
      {"DurationOutOfRange",
       R"({"name": "t", "duration": "99999999999999h"})",
       {"x.json: /duration: expected a duration of at most 720h, found \"99999999999999h\""}},
      {"DurationSubNanosecond",
       R"({"name": "t", "duration": "1.5ns"})",
       {"x.json: /duration: expected a duration in whole nanoseconds, found \"1.5ns\""}},
      {"DurationNumber",
       R"({"name": "t", "duration": 60})",
       {"x.json: /duration: expected a duration like \"150ms\", found 60"}},
      {"LongValueTruncated",
       R"({"name": "t", "duration": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})",
       {"x.json: /duration: expected a duration like \"150ms\", found "
        "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."}},
      // --- Protocol ----------------------------------------------------------
      {"ProtocolName",
       doc(R"("protocol": {"name": "raft"})"),
       {"x.json: /protocol/name: expected \"raft-lease\", found \"raft\" (did you mean "
        "\"raft-lease\"?)"}},
      {"PresetTypo",
       doc(R"("protocol": {"preset": "saf"})"),
       {"x.json: /protocol/preset: expected one of \"seed\", \"naive\", \"etcd-like\", \"safe\", "
        "found \"saf\" (did you mean \"safe\"?)"}},
      {"KnobEnum",
       doc(R"("protocol": {"knobs": {"anchor": "sent"}})"),
       {"x.json: /protocol/knobs/anchor: expected one of \"send\", \"receipt\", found \"sent\" "
        "(did you mean \"send\"?)"}},
      {"KnobBool",
       doc(R"("protocol": {"knobs": {"fencing": "yes"}})"),
       {"x.json: /protocol/knobs/fencing: expected true or false, found \"yes\""}},
      {"KnobQuorumWord",
       doc(R"("protocol": {"knobs": {"check_quorum": "yes"}})"),
       {"x.json: /protocol/knobs/check_quorum: expected one of \"off\", \"tick\", \"deadline\", "
        "found \"yes\""}},
      {"KnobQuorumType",
       doc(R"("protocol": {"knobs": {"check_quorum": 1}})"),
       {"x.json: /protocol/knobs/check_quorum: expected true, false, \"off\", \"tick\" or "
        "\"deadline\", found 1"}},
      {"KnobSequencerWindow",
       doc(R"("protocol": {"knobs": {"sequencer": {"check": true, "window": "0s"}}})"),
       {"x.json: /protocol/knobs/sequencer/window: expected a positive duration, found \"0s\""}},
      {"KnobUnknown",
       doc(R"("protocol": {"knobs": {"fenceing": true}})"),
       {"x.json: /protocol/knobs/fenceing: unknown key \"fenceing\" (did you mean \"fencing\"?)"}},
      {"MarginKindPrefix",
       doc(R"("protocol": {"knobs": {"margin": {"kind": "drift"}}})"),
       {"x.json: /protocol/knobs/margin/kind: expected one of \"none\", \"fixed\", "
        "\"drift-bound\", found \"drift\" (did you mean \"drift-bound\"?)"}},
      // --- Core --------------------------------------------------------------
      {"UnknownCoreKey",
       doc(R"("core": {"heartbeet": "50ms"})"),
       {"x.json: /core/heartbeet: unknown key \"heartbeet\" (did you mean \"heartbeat\"?)"}},
      {"CoreNotObject",
       doc(R"("core": [])"),
       {"x.json: /core: expected an object, found an array"}},
      {"ServersTooMany",
       doc(R"("core": {"servers": 12})"),
       {"x.json: /core/servers: expected a server count from 1 to 9, found 12"}},
      {"ServersZero",
       doc(R"("core": {"servers": 0})"),
       {"x.json: /core/servers: expected a server count from 1 to 9, found 0"}},
      {"ServersString",
       doc(R"("core": {"servers": "3"})"),
       {"x.json: /core/servers: expected a server count from 1 to 9 or an array of server "
        "names, found \"3\""}},
      {"ServersDuplicate",
       doc(R"("core": {"servers": ["a", "b", "a"]})"),
       {"x.json: /core/servers/2: duplicate \"a\" (also at /core/servers/0)"}},
      {"ServersBadName",
       doc(R"("core": {"servers": ["n 1"]})"),
       {"x.json: /core/servers/0: expected a name of letters, digits, \".\", \"_\" and \"-\", "
        "found \"n 1\""}},
      {"ServerReserved",
       doc(R"("core": {"servers": ["leader", "b", "c"]})"),
       {"x.json: /core/servers/0: \"leader\" is a reserved name (fault targets use it for the "
        "current leader)"}},
      {"HeartbeatNotShorter",
       doc(R"("core": {"heartbeat": "200ms"})"),
       {"x.json: /core/heartbeat: expected a heartbeat shorter than election_timeout.min "
        "(150ms), found \"200ms\""}},
      {"HeartbeatTooFine",
       doc(R"("core": {"heartbeat": "500ns"})"),
       {"x.json: /core/heartbeat: expected a duration of at least 1us, found \"500ns\""}},
      {"ElectionInverted",
       doc(R"("core": {"election_timeout": {"min": "400ms"}})"),
       {"x.json: /core/election_timeout: expected election_timeout min <= max, found min "
        "400ms > max 300ms"}},
      {"MaxAppendZero",
       doc(R"("core": {"max_append_entries": 0})"),
       {"x.json: /core/max_append_entries: expected an integer from 1 to 65536, found 0"}},
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
      {"ViolationsWithHolds",
       doc(R"("expect": {"safety": "holds", "violations": ["overlap"]})"),
       {"x.json: /expect/violations: \"violations\" is only allowed with \"safety\": "
        "\"violation\", found \"safety\": \"holds\""}},
      {"ViolationsWithoutSafety",
       doc(R"("expect": {"violations": ["overlap"]})"),
       {"x.json: /expect/violations: \"violations\" is only allowed with \"safety\": "
        "\"violation\", found no \"safety\""}},
      {"ViolationKindTypo",
       doc(R"("expect": {"safety": "violation", "violations": ["overlaps"]})"),
       {"x.json: /expect/violations/0: expected one of \"overlap\", \"stale_write\", "
        "\"latent_overlap\", \"election_safety\", \"committed_changed\", found \"overlaps\" "
        "(did you mean \"overlap\"?)"}},
      {"AvailabilityAboveOne",
       doc(R"("expect": {"min_availability": 2})"),
       {"x.json: /expect/min_availability: expected a fraction from 0 to 1, found 2"}},
      // --- Size of the run -------------------------------------------------
      {"EventBudget",
       R"({"name": "t", "duration": "720h", "core": {"heartbeat": "1us", "election_timeout":
           {"min": "1ms", "max": "2ms"}}})",
       {"x.json: /duration: the scenario would need about 7.8e+12 events (the limit is 1e+10); "
        "shorten the duration or lengthen the intervals"}},
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

class LoaderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(LoaderErrors, ReportsExactMessages) {
  const BadCase& c = GetParam();
  const LoadResult r = load_scenario_text(c.text, "x.json");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.scenario.has_value());
  EXPECT_EQ(formatted(r.errors), c.errors);
}

INSTANTIATE_TEST_SUITE_P(Table, LoaderErrors, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(LoaderErrorsTable, HasAtLeastFortyCases) {
  EXPECT_GE(bad_cases().size(), 40u);
}

TEST(LoaderErrorsTable, CaseNamesAreUnique) {
  std::set<std::string> names;
  for (const BadCase& c : bad_cases()) EXPECT_TRUE(names.insert(c.name).second) << c.name;
}

// Warnings do not stop a scenario from loading.
struct WarnCase {
  const char* name;
  std::string text;
  std::vector<std::string> warnings;
};

std::vector<WarnCase> warn_cases() {
  return {
      {"EvenServers",
       doc(R"("core": {"servers": 4})"),
       {"x.json: /core/servers: an even number of servers tolerates no more failures than one "
        "fewer (4 and 3 servers both tolerate 1)"}},
      {"TtlNotAboveRenew",
       doc(R"("requestors": [{"name": "a", "ttl": "1s", "renew_every": "1s"}])"),
       {"x.json: /requestors/0: ttl 1s is not longer than renew_every 1s: leases expire before "
        "they are renewed"}},
      {"TtlNotAboveRenewDefault",
       doc(R"("lease": {"ttl": "1s", "renew_every": "2s"})"),
       {"x.json: /lease: ttl 1s is not longer than renew_every 2s: leases expire before they "
        "are renewed"}},
      {"RestartNotCrashed",
       doc(R"("faults": [{"at": "5s", "kind": "restart", "target": "n2"}])"),
       {"x.json: /faults/0: restart of \"n2\" at 5s, but the script has not crashed it (it is "
        "running then)"}},
      {"RestartAfterTimedCrash",
       doc(R"("faults": [{"at": "9s", "kind": "restart", "target": "n2"},
                         {"at": "1s", "kind": "crash", "target": "n2", "duration": "3s"}])"),
       {"x.json: /faults/0: restart of \"n2\" at 9s, but the script has not crashed it (it is "
        "running then)"}},
      {"HealWithoutPartition",
       doc(R"("faults": [{"at": "5s", "kind": "heal"}])"),
       {"x.json: /faults/0: heal at 5s with no partition, cut or isolate before it"}},
      {"NoWarningAfterRoleCrash",
       doc(R"("faults": [{"at": "1s", "kind": "crash", "target": "leader"},
                         {"at": "5s", "kind": "restart", "target": "n2"}])"),
       {}},
      {"NoWarningAfterCrash",
       doc(R"("faults": [{"at": "1s", "kind": "crash", "target": "n2"},
                         {"at": "5s", "kind": "restart", "target": "n2"},
                         {"at": "6s", "kind": "cut", "from": "n1", "to": "n3"},
                         {"at": "7s", "kind": "heal"}])"),
       {}},
  };
}

class LoaderWarnings : public ::testing::TestWithParam<WarnCase> {};

TEST_P(LoaderWarnings, ReportsExactWarnings) {
  const WarnCase& c = GetParam();
  const LoadResult r = load_scenario_text(c.text, "x.json");
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(formatted(r.errors));
  EXPECT_EQ(formatted(r.warnings), c.warnings);
  for (const Diagnostic& d : r.warnings) EXPECT_TRUE(d.warning);
}

INSTANTIATE_TEST_SUITE_P(Table, LoaderWarnings, ::testing::ValuesIn(warn_cases()),
                         [](const ::testing::TestParamInfo<WarnCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(LoaderErrors, ErrorsAreCappedWithASummary) {
  std::string text = R"({"name": "t", "duration": "60s", "requestors": [)";
  for (int i = 0; i < 150; ++i) text += std::string(i ? "," : "") + R"({"name": 1})";
  text += "]}";
  const LoadResult r = load_scenario_text(text, "x.json");
  ASSERT_EQ(r.errors.size(), scenario_limits::kMaxErrors + 1);
  EXPECT_EQ(r.errors.back().format(), "x.json: too many errors: 50 more not shown");
}

TEST(LoaderErrors, ProgrammaticDocumentsAreCheckedToo) {
  nlohmann::json j = {{"name", "t"}, {"duration", "60s"}, {"seed", "x"}};
  const LoadResult r = load_scenario_json(j, "sweep[3]");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].format(), "sweep[3]: /seed: expected a non-negative integer, found \"x\"");
  // Invalid UTF-8 inside a programmatic document does not throw.
  j["seed"] = std::string("\xff");
  const LoadResult r2 = load_scenario_json(j, "sweep[3]");
  ASSERT_EQ(r2.errors.size(), 1u);
  EXPECT_EQ(r2.errors[0].format(),
            "sweep[3]: /seed: expected a non-negative integer, found \"\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace leasesim
