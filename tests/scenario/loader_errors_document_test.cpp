// Bad scenarios, part one: what is wrong with the document itself (its
// syntax and text, the root, the protocol and its knobs, the core).
// The cases only; loader_errors_test.cpp runs them.
#include <string>
#include <vector>

#include "loader_errors_cases.hpp"

namespace leasesim::testing {

std::vector<BadCase> bad_document_cases() {
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
      // Past 2^64 - 1 the number is read as a float: say it is too large,
      // not only what it became.
      {"SeedTooLarge",
       doc(R"("seed": 18446744073709551616)"),
       {"x.json: /seed: expected a non-negative integer, found 1.8446744073709552e+19 (above "
        "the largest, 18446744073709551615)"}},
      // A whole number written as a decimal past 2^53 has lost digits: the
      // run would use another seed than the file shows (9007199254740993.0
      // ran as ...992).
      {"SeedDecimalPastTwoToThe53",
       doc(R"("seed": 9007199254740993.0)"),
       {"x.json: /seed: expected a non-negative integer, found 9.007199254740992e+15 (a decimal "
        "this large has lost digits: write the whole number without a point or exponent)"}},
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
       {"x.json: /protocol/name: expected one of \"raft-lease\", \"kv-lease\", \"session-lease\", "
        "found \"raft\" (did you mean \"raft-lease\"?)"}},
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
      {"ElectionBoundsNotMultiplesOfTheGranularity",
       doc(R"("core": {"election_timeout": {"min": "150500us", "max": "300ms",)"
           R"( "granularity": "1ms"}})"),
       {"x.json: /core/election_timeout/min: expected a multiple of "
        "election_timeout.granularity (1ms), found 150500us"}},
      {"ElectionGranularityNegative",
       doc(R"("core": {"election_timeout": {"granularity": "-1ms"}})"),
       {"x.json: /core/election_timeout/granularity: expected a non-negative duration, found "
        "\"-1ms\""}},
      {"MaxAppendZero",
       doc(R"("core": {"max_append_entries": 0})"),
       {"x.json: /core/max_append_entries: expected an integer from 1 to 65536, found 0"}},
  };
}

}  // namespace leasesim::testing
