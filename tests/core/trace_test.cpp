#include "leasesim/core/trace.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "leasesim/core/jsonl_writer.hpp"
#include "test_dir.hpp"

namespace leasesim {
namespace trace_test {
namespace {

using testing::read_all;
using testing::TestDir;

Record make(int64_t t, int64_t lt, uint32_t node, uint16_t kind, std::array<uint64_t, 6> f) {
  Record r;
  r.time = TimePoint(t);
  r.local = TimePoint(lt);
  r.node = node;
  r.kind = kind;
  r.f = f;
  return r;
}

std::vector<Record> sample_records() {
  return {
      make(0, 0, kNoNode, 0x0100, {0, 0, 0, 0, 0, 0}),
      make(1'500'000'000, 1'500'000'123, 0, 0x0101, {1, 42, 0, 0, 0, 0}),
      make(2'000'000'000, 1'999'999'000, 1, 0x0300, {7, static_cast<uint64_t>(-5), 1, 0, 0, 0}),
      make(2'000'000'000, 2'000'000'100, 2, 0x0800, {~0ULL, 1, 2, 3, 4, 5}),
  };
}

uint64_t hash_of(const std::vector<Record>& rs) {
  TraceHasher h;
  for (const Record& r : rs) h.add(r);
  return h.value();
}

TEST(TraceHasher, EmptyAndCount) {
  TraceHasher h;
  EXPECT_EQ(0u, h.count());
  const uint64_t empty = h.value();
  h.add(Record{});
  EXPECT_EQ(1u, h.count());
  EXPECT_NE(empty, h.value()) << "even an all-zero record changes the hash";
}

TEST(TraceHasher, SameRecordsSameHash) {
  EXPECT_EQ(hash_of(sample_records()), hash_of(sample_records()));
}

TEST(TraceHasher, AnyFieldChangeChangesHash) {
  const uint64_t base = hash_of(sample_records());
  for (size_t i = 0; i < sample_records().size(); ++i) {
    auto mutate = [&](auto&& fn) {
      auto rs = sample_records();
      fn(rs[i]);
      return hash_of(rs);
    };
    EXPECT_NE(base, mutate([](Record& r) { r.time += Duration(1); })) << i;
    EXPECT_NE(base, mutate([](Record& r) { r.local += Duration(1); })) << i;
    EXPECT_NE(base, mutate([](Record& r) { r.node ^= 1; })) << i;
    EXPECT_NE(base, mutate([](Record& r) { r.kind ^= 1; })) << i;
    for (size_t k = 0; k < 6; ++k) {
      EXPECT_NE(base, mutate([k](Record& r) { r.f[k] ^= 1ULL << 40; })) << i << " " << k;
    }
  }
}

TEST(TraceHasher, OrderMatters) {
  auto rs = sample_records();
  const uint64_t base = hash_of(rs);
  std::swap(rs[1], rs[2]);
  EXPECT_NE(base, hash_of(rs));
  // Moving a value between adjacent fields changes it too.
  Record a = make(1, 1, 1, 1, {5, 0, 0, 0, 0, 0});
  Record b = make(1, 1, 1, 1, {0, 5, 0, 0, 0, 0});
  EXPECT_NE(hash_of({a}), hash_of({b}));
  // A prefix differs from the whole.
  rs.pop_back();
  EXPECT_NE(base, hash_of(rs));
}

TEST(TraceHasher, SwappedFieldsAndTimesHashDifferently) {
  Record r;
  r.time = TimePoint(5);
  r.local = TimePoint(9);
  r.f = {1, 2, 3, 4, 5, 6};
  auto one = [](const Record& x) {
    TraceHasher h;
    h.add(x);
    return h.value();
  };
  const uint64_t base = one(r);
  Record swapped = r;
  std::swap(swapped.f[1], swapped.f[2]);
  EXPECT_NE(one(swapped), base);
  swapped = r;
  std::swap(swapped.time, swapped.local);
  EXPECT_NE(one(swapped), base);
  swapped = r;
  std::swap(swapped.f[4], swapped.f[5]);
  EXPECT_NE(one(swapped), base);
}

TEST(TraceHasher, Golden) {
  // Pinned: a change here changes every run's fingerprint.
  EXPECT_EQ("d3e627dbb005cc08", format_hash(hash_of(sample_records())));
}

TEST(Trace, FormatHash) {
  EXPECT_EQ("0000000000000000", format_hash(0));
  EXPECT_EQ("00000000000000ff", format_hash(255));
  EXPECT_EQ("0123456789abcdef", format_hash(0x0123456789abcdefULL));
  EXPECT_EQ("ffffffffffffffff", format_hash(~0ULL));
}

// ---- Schema ----------------------------------------------------------------

const char* const kVerdicts[] = {"grant", "deny"};

KindDesc send_kind() {
  KindDesc k;
  k.kind = kind_range::kNet;
  k.name = "send";
  k.field_count = 6;
  k.fields[0] = {"to", FieldType::kName, name_table::kNodes, nullptr, 0};
  k.fields[1] = {"bytes", FieldType::kUint, 0, nullptr, 0};
  k.fields[2] = {"delay", FieldType::kDuration, 0, nullptr, 0};
  k.fields[3] = {"ok", FieldType::kBool, 0, nullptr, 0};
  k.fields[4] = {"verdict", FieldType::kEnum, 0, kVerdicts, 2};
  k.fields[5] = {"at", FieldType::kTime, 0, nullptr, 0};
  return k;
}

KindDesc grant_kind() {
  KindDesc k;
  k.kind = kind_range::kProtocol + 1;
  k.name = "grant";
  k.field_count = 2;
  k.fields[0] = {"res", FieldType::kName, name_table::kResources, nullptr, 0};
  k.fields[1] = {"term", FieldType::kInt, 0, nullptr, 0};
  return k;
}

KindDesc tick_kind() {
  KindDesc k;
  k.kind = kind_range::kWorld;
  k.name = "tick";
  return k;
}

TEST(TraceSchema, AddFindAll) {
  TraceSchema s;
  EXPECT_EQ(nullptr, s.find(kind_range::kNet));
  EXPECT_TRUE(s.all().empty());
  s.add(grant_kind());
  s.add(send_kind());
  s.add(tick_kind());
  ASSERT_NE(nullptr, s.find(kind_range::kNet));
  EXPECT_STREQ("send", s.find(kind_range::kNet)->name);
  EXPECT_EQ(6, s.find(kind_range::kNet)->field_count);
  EXPECT_STREQ("verdict", s.find(kind_range::kNet)->fields[4].name);
  EXPECT_EQ(nullptr, s.find(kind_range::kNet + 1));
  EXPECT_EQ(nullptr, s.find(kind_range::kEnd));
  EXPECT_EQ(nullptr, s.find(0xFFFF));
  const auto all = s.all();
  ASSERT_EQ(3u, all.size());
  EXPECT_STREQ("send", all[0]->name);  // kind order, not insertion order
  EXPECT_STREQ("tick", all[1]->name);
  EXPECT_STREQ("grant", all[2]->name);

  s.names(name_table::kNodes) = {"n1", "n2"};
  const TraceSchema& cs = s;
  EXPECT_EQ(2u, cs.names(name_table::kNodes).size());
  EXPECT_TRUE(cs.names(name_table::kResources).empty());
}

TEST(TraceSchemaDeathTest, InvalidAdds) {
  TraceSchema s;
  s.add(send_kind());
  EXPECT_DEATH(s.add(send_kind()), "kind registered twice");
  KindDesc out_of_range = tick_kind();
  out_of_range.kind = kind_range::kEnd;
  EXPECT_DEATH(s.add(out_of_range), "kind out of range");
  KindDesc too_many = tick_kind();
  too_many.field_count = kMaxFields + 1;
  EXPECT_DEATH(s.add(too_many), "too many fields");
}

// ---- JSONL writer ----------------------------------------------------------

TraceSchema make_schema() {
  TraceSchema s;
  s.add(send_kind());
  s.add(grant_kind());
  s.add(tick_kind());
  s.names(name_table::kNodes) = {"n1", "n\"2\\x", "ctl\n\t\x01\x7f"};
  s.names(name_table::kResources) = {"r/a", "caf\xC3\xA9"};
  return s;
}

TEST(JsonlTraceWriter, ExactLines) {
  TestDir dir;
  const std::string path = dir.file("trace.jsonl");
  const TraceSchema schema = make_schema();
  AtomicFile file;
  std::string error;
  ASSERT_TRUE(file.open(path, &error)) << error;
  JsonlTraceWriter w(schema, std::move(file));

  w.write(make(1'500'000'000, 1'500'000'123, 0, kind_range::kNet,
               {1, 42, static_cast<uint64_t>(-5), 1, 1, static_cast<uint64_t>(-7)}));
  // Out-of-range names and enum values print as numbers; false bools.
  w.write(make(2, 0, 7, kind_range::kNet, {9, 0, 0, 0, 5, 0}));
  w.write(make(3, 4, kNoNode, kind_range::kWorld, {}));
  w.write(make(5, 6, 2, kind_range::kProtocol + 1, {1, static_cast<uint64_t>(INT64_MIN)}));
  w.write(make(7, 8, 0, kind_range::kProtocol + 1, {0, static_cast<uint64_t>(INT64_MAX)}));
  // Unknown kind: raw fields, unsigned.
  w.write(make(-1, -2, 1, 0x0555, {1, 2, 3, 4, 5, ~0ULL}));

  EXPECT_FALSE(std::filesystem::exists(path)) << "the trace appears only on finish()";
  ASSERT_TRUE(w.finish(&error)) << error;

  const std::string expected =
      R"({"t":1500000000,"lt":1500000123,"n":"n1","k":"send","to":"n\"2\\x","bytes":42,)"
      R"("delay":-5,"ok":true,"verdict":"deny","at":-7})"
      "\n"
      R"({"t":2,"lt":0,"n":7,"k":"send","to":9,"bytes":0,"delay":0,"ok":false,"verdict":5,)"
      R"("at":0})"
      "\n"
      R"({"t":3,"lt":4,"n":null,"k":"tick"})"
      "\n"
      R"({"t":5,"lt":6,"n":"ctl\n\t\u0001)"
      "\x7f"
      R"(","k":"grant","res":"caf)"
      "\xC3\xA9"
      R"(","term":-9223372036854775808})"
      "\n"
      R"({"t":7,"lt":8,"n":"n1","k":"grant","res":"r/a","term":9223372036854775807})"
      "\n"
      R"({"t":-1,"lt":-2,"n":"n\"2\\x","k":"kind_1365","f":[1,2,3,4,5,18446744073709551615]})"
      "\n";
  EXPECT_EQ(expected, read_all(path));
  EXPECT_EQ(std::vector<std::string>{"trace.jsonl"}, dir.entries()) << "no temporary left";
}

TEST(JsonlTraceWriter, LargeTraceIsWrittenWhole) {
  // Several flush blocks' worth of records.
  TestDir dir;
  const std::string path = dir.file("big.jsonl");
  const TraceSchema schema = make_schema();
  AtomicFile file;
  std::string error;
  ASSERT_TRUE(file.open(path, &error)) << error;
  JsonlTraceWriter w(schema, std::move(file));
  const int n = 50'000;
  for (int i = 0; i < n; ++i) w.write(make(i, i, 0, kind_range::kWorld, {}));
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE(w.finish(&error)) << error;
  const std::string text = read_all(path);
  EXPECT_EQ(static_cast<size_t>(n),
            static_cast<size_t>(std::count(text.begin(), text.end(), '\n')));
  EXPECT_EQ(0u, text.find(R"({"t":0,"lt":0,"n":"n1","k":"tick"})"
                          "\n"));
  EXPECT_NE(std::string::npos, text.find(R"({"t":49999,"lt":49999,"n":"n1","k":"tick"})"
                                         "\n"));
}

TEST(JsonlTraceWriter, DestroyedWithoutFinishLeavesNothing) {
  TestDir dir;
  const TraceSchema schema = make_schema();
  {
    AtomicFile file;
    std::string error;
    ASSERT_TRUE(file.open(dir.file("t.jsonl"), &error)) << error;
    JsonlTraceWriter w(schema, std::move(file));
    w.write(make(1, 1, 0, kind_range::kWorld, {}));
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(JsonlTraceWriter, UnwritablePath) {
  AtomicFile file;
  std::string error;
  EXPECT_FALSE(file.open("/nonexistent-dir/x.jsonl", &error));
  EXPECT_EQ("cannot create \"/nonexistent-dir/x.jsonl\": No such file or directory", error);
  // A writer over a file that never opened reports that on finish().
  const TraceSchema schema = make_schema();
  JsonlTraceWriter w(schema, std::move(file));
  error.clear();
  EXPECT_FALSE(w.finish(&error));
  EXPECT_NE(std::string::npos, error.find("/nonexistent-dir/x.jsonl")) << error;
}

}  // namespace
}  // namespace trace_test
}  // namespace leasesim
