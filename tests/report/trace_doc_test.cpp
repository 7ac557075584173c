// docs/trace-format.md is the reference a reader of a trace works from: every
// record kind any built-in protocol's run can write has a row in one of its
// tables, and that row names each of the kind's fields. A kind a protocol
// adds (its private kinds) is as much in the trace as the common ones; before
// this test kv-lease's kv_write and stopped_leading were in no table.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "leasesim/scenario/loader.hpp"
#include "leasesim/world/world.hpp"

namespace leasesim {
namespace trace_doc_test {
namespace {

// Table rows of the document by the kind they describe: a row is a line
// "| `kind` | ...".
std::map<std::string, std::string> kind_rows() {
  std::ifstream in(std::string(LEASESIM_SOURCE_DIR) + "/docs/trace-format.md");
  std::map<std::string, std::string> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const size_t end = line.find('`', 3);
    if (end == std::string::npos) continue;
    rows.emplace(line.substr(3, end - 3), line);
  }
  return rows;
}

struct Family {
  const char* name;
  const char* block;
};

const Family kFamilies[] = {
    {"raft-lease", R"("protocol": {"name": "raft-lease"})"},
    {"kv-lease", R"("protocol": {"name": "kv-lease"})"},
    {"session-lease", R"("protocol": {"name": "session-lease"})"},
};

TEST(TraceDoc, EveryKindOfEveryFamilyHasARowNamingItsFields) {
  const std::map<std::string, std::string> rows = kind_rows();
  ASSERT_GT(rows.size(), 40u) << "docs/trace-format.md's tables were not found";
  for (const Family& f : kFamilies) {
    const std::string text = std::string(R"({"name": "doc", "duration": "1s", )") + f.block + "}";
    LoadResult lr = load_scenario_text(text, "doc.json");
    ASSERT_TRUE(lr.ok()) << f.name << ": " << lr.errors[0].format();
    const TraceSchema schema = make_trace_schema(*lr.scenario);
    for (const KindDesc* d : schema.all()) {
      const auto row = rows.find(d->name);
      if (row == rows.end()) {
        ADD_FAILURE() << f.name << ": record kind `" << d->name
                      << "` has no row in docs/trace-format.md";
        continue;
      }
      for (size_t i = 0; i < d->field_count; ++i) {
        const std::string field = std::string("`") + d->fields[i].name + "`";
        EXPECT_NE(row->second.find(field), std::string::npos)
            << f.name << ": docs/trace-format.md's row of `" << d->name << "` does not name "
            << field;
      }
    }
  }
}

}  // namespace
}  // namespace trace_doc_test
}  // namespace leasesim
