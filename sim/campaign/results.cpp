#include "leasesim/campaign/results.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace leasesim {

namespace {

bool slurp(const std::string& path, std::string* text, std::string* error) {
  // Only a regular file: a device (/dev/zero) or a pipe would be read
  // without end, or block.
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::directory) {
    *error = path + ": is a directory, not a results file";
    return false;
  }
  if (!ec && status.type() != std::filesystem::file_type::regular &&
      status.type() != std::filesystem::file_type::not_found) {
    *error = path + ": is not a regular file";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot read the file: " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return true;
}

}  // namespace

// --- reading -----------------------------------------------------------------

bool read_results(const std::string& path, ResultsFile* out, std::string* error) {
  std::string text;
  if (!slurp(path, &text, error)) return false;
  ResultsFile f;
  f.path = path;
  size_t pos = 0, line_no = 0;
  auto fail = [&](const std::string& msg) {
    *error = path + ": line " + std::to_string(line_no) + ": " + msg;
    return false;
  };
  // Whole lines only: a last line without its newline was cut off.
  auto next_line = [&](std::string_view* line) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      f.partial_tail = pos < text.size();
      return false;
    }
    *line = std::string_view(text).substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    return true;
  };
  auto crlf = [&](std::string_view line) { return !line.empty() && line.back() == '\r'; };
  constexpr const char* kCrlf =
      "Windows line ends (CR LF); leasesim writes LF only: convert the file (dos2unix) to read it";
  std::string_view line;
  if (!next_line(&line)) {
    *error = path + ": empty or cut off before the end of its header line";
    return false;
  }
  if (crlf(line)) return fail(kCrlf);
  if (!Plan::parse(line, &f.plan, error)) return fail(*error);
  f.good_bytes = pos;
  ResultsEmitter emitter(f.plan);
  std::vector<std::string> lines;  // what the runs so far make leasesim write
  size_t next = 0;                 // lines[next] is the next line expected after a run line
  while (next_line(&line)) {
    if (crlf(line)) return fail(kCrlf);
    if (f.has_summary) return fail("a line after the summary line");
    if (next < lines.size()) {
      if (line != lines[next])
        return fail("expected the cell line computed from the runs before it");
      ++next;
      f.good_bytes = pos;
      continue;
    }
    if (line.rfind("{\"type\":\"summary\"", 0) == 0) {
      if (line != emitter.summary_line())
        return fail("the summary does not match the runs before it");
      f.has_summary = true;
      continue;  // good_bytes stays before it: a resumed run replaces it
    }
    RunRecord r;
    std::string err;
    if (!RunRecord::parse(line, &r, &err)) return fail(err);
    if (f.records.size() >= f.plan.shard_jobs()) return fail("more runs than the plan has");
    const uint64_t job = f.plan.job(f.records.size());
    if (r.cell != f.plan.cell_of(job) || r.seed != f.plan.seed_of(job)) {
      return fail("expected the run of cell " + std::to_string(f.plan.cell_of(job)) + " seed " +
                  std::to_string(f.plan.seed_of(job)) + " (runs are in job order" +
                  (f.plan.shards > 1 ? ", shard " + f.plan.shard_text() : std::string()) + ")");
    }
    lines.clear();
    next = 1;
    emitter.add(r, &lines);
    if (line != lines[0]) return fail("run line not in the form leasesim writes");
    f.records.push_back(r);
    f.good_bytes = pos;
  }
  f.pending.assign(lines.begin() + static_cast<std::ptrdiff_t>(std::min(next, lines.size())),
                   lines.end());
  f.status = emitter.summary().status(f.plan);
  *out = std::move(f);
  return true;
}

// --- merging -----------------------------------------------------------------

bool merge_results(const std::vector<ResultsFile>& inputs, std::string* text, std::string* error) {
  if (inputs.empty()) {
    *error = "nothing to merge";
    return false;
  }
  const Plan& p0 = inputs[0].plan;
  const uint32_t n = p0.shards;
  std::vector<const ResultsFile*> by_shard(n, nullptr);
  for (const ResultsFile& f : inputs) {
    if (!f.plan.same_run_as(p0)) {
      *error = f.path + ": not a shard of the same run as " + inputs[0].path +
               " (command, scenario, parameters, seeds, options or shard count differ)";
      return false;
    }
    const ResultsFile*& slot = by_shard[f.plan.shard - 1];
    if (slot != nullptr) {
      *error = f.path + ": shard " + f.plan.shard_text() + " given twice (also " + slot->path + ")";
      return false;
    }
    slot = &f;
    if (f.status == "interrupted") {
      *error = f.path + ": shard " + f.plan.shard_text() + " is incomplete (" +
               std::to_string(f.records.size()) + " of " + std::to_string(f.plan.shard_jobs()) +
               " runs); finish it with `leasesim " + f.plan.command + " ... --resume` first";
      return false;
    }
  }
  for (uint32_t k = 0; k < n; ++k) {
    if (by_shard[k] == nullptr) {
      *error = "shard " + std::to_string(k + 1) + "/" + std::to_string(n) + " is missing";
      return false;
    }
  }
  // Shard 1's plan, so the merged header does not depend on the order the
  // shards were named in.
  const Plan merged = by_shard[0]->plan.unsharded();
  ResultsEmitter emitter(merged);
  std::string out = merged.format() + "\n";
  std::vector<std::string> lines;
  // Job j lives in shard (j % n) + 1 at position j / n.
  const uint64_t total = merged.total_jobs();
  for (uint64_t j = 0; j < total; ++j) {
    const ResultsFile& f = *by_shard[j % n];
    const uint64_t at = j / n;
    if (at >= f.records.size()) {
      // A shard that stopped at its first violation ends early; under
      // stop-on-first the unsharded run stopped at the earliest of those,
      // which the walk has passed already.
      *error = f.path + ": the run of job " + std::to_string(j) + " is missing";
      return false;
    }
    const RunRecord& r = f.records[at];
    lines.clear();
    emitter.add(r, &lines);
    for (const std::string& l : lines) out += l + "\n";
    if (merged.stop_on_first && r.verdict == Verdict::kViolation) break;
  }
  out += emitter.summary_line() + "\n";
  *text = std::move(out);
  return true;
}

// --- writing -----------------------------------------------------------------

ResultsWriter::~ResultsWriter() {
  if (fp_ != nullptr) std::fclose(fp_);
}

bool ResultsWriter::open(const std::string& path, uint64_t keep_bytes, std::string* error) {
  path_ = path;
  if (keep_bytes > 0) {
    if (::truncate(path.c_str(), static_cast<off_t>(keep_bytes)) != 0) {
      *error = path + ": cannot truncate: " + std::strerror(errno);
      return false;
    }
    fp_ = std::fopen(path.c_str(), "ab");
  } else {
    fp_ = std::fopen(path.c_str(), "wb");
  }
  if (fp_ == nullptr) {
    *error = path + ": cannot open for writing: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsWriter::write_line(std::string_view line, std::string* error) {
  std::string whole(line);
  whole += '\n';
  // One fwrite of the whole line, then a flush: the kernel sees whole
  // lines (a hard kill can still cut the very last one; readers drop it).
  if (std::fwrite(whole.data(), 1, whole.size(), fp_) != whole.size() || std::fflush(fp_) != 0) {
    *error = path_ + ": write failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ResultsWriter::close(std::string* error) {
  if (fp_ == nullptr) return true;
  const int rc = std::fclose(fp_);
  fp_ = nullptr;
  if (rc != 0) {
    *error = path_ + ": close failed: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace leasesim
