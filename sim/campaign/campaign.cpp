#include "leasesim/campaign/campaign.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "campaign_impl.hpp"
#include "leasesim/campaign/explore.hpp"
#include "leasesim/campaign/results.hpp"
#include "leasesim/campaign/text.hpp"
#include "leasesim/core/atomic_file.hpp"
#include "leasesim/scenario/loader.hpp"

namespace leasesim {

namespace {

constexpr uint64_t kReported = 10;  // failing runs described one by one

}  // namespace

std::string default_save_dir(const std::string& out_path, SaveWhich save) {
  std::string base = out_path;
  const std::string ext = ".jsonl";
  if (base.size() > ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0)
    base.resize(base.size() - ext.size());
  return base + (save == SaveWhich::kAll ? ".runs" : ".failures");
}

// --- one run -----------------------------------------------------------------

Scenario Campaign::Impl::job_scenario(uint64_t job) const {
  const uint64_t c = plan.cell_of(job);
  const uint64_t seed = plan.seed_of(job);
  if (!layouts.empty()) return explore_scenario(cells[c], layouts[c], seed);
  Scenario sc = cells[c];
  sc.seed = seed;
  return sc;
}

uint64_t Campaign::Impl::added_faults(uint64_t cell, uint64_t seed) const {
  if (layouts.empty()) return 0;
  return generate_faults(explore_spec(cells[cell]), layouts[cell], seed).size();
}

bool Campaign::Impl::wants_saved(Verdict v) const {
  if (config.save_dir.empty() || saved_before + saved >= config.max_saved) return false;
  return config.save == SaveWhich::kAll ||
         (config.save == SaveWhich::kFailures && v == Verdict::kViolation);
}

std::string Campaign::Impl::save_args() const {
  std::string out;
  if (config.save == SaveWhich::kNone) return " --save none";
  if (config.save == SaveWhich::kAll) out += " --save all";
  if (config.save_dir != default_save_dir(config.out_path, config.save))
    out += " --save-dir " + shell_quote(config.save_dir);
  if (config.max_saved != (config.save == SaveWhich::kAll ? UINT64_MAX : kDefaultMaxSaved))
    out += " --max-saved " + std::to_string(config.max_saved);
  return out;
}

std::string Campaign::Impl::saved_path(uint64_t cell, uint64_t seed) const {
  return (std::filesystem::path(config.save_dir) / saved_run_name(plan, cell, seed)).string();
}

std::string Campaign::Impl::save_run(uint64_t cell, uint64_t seed, uint64_t* added,
                                     std::string* message) {
  const Scenario replay = replay_scenario(
      cells[cell], layouts.empty() ? nullptr : &layouts[cell], seed,
      plan.command + " " + run_label(plan, cell, seed) + " of " + plan.scenario_of(cell).name);
  *added = replay.faults.size() - cells[cell].faults.size();
  std::error_code ec;
  std::filesystem::create_directories(config.save_dir, ec);
  const std::string file = saved_path(cell, seed);
  // Re-exploring a saved run from its own folder names the input itself:
  // saving over it would replace the scenario being explored.
  for (const std::string& input : config.scenario_paths) {
    std::error_code same;
    if (std::filesystem::equivalent(file, input, same) && !same) {
      *message = "leasesim " + plan.command + ": cannot save " + run_label(plan, cell, seed) +
                 ": " + file + " is the scenario being run (" + input + "); save elsewhere";
      return "";
    }
  }
  std::string werr;
  if (!ec && write_file_atomically(file, scenario_file_json(replay).dump(2) + "\n", &werr)) {
    ++saved;
    return file;
  }
  *message = "leasesim " + plan.command + ": cannot save " + run_label(plan, cell, seed) + ": " +
             (ec ? config.save_dir + ": " + ec.message() : werr);
  return "";
}

// --- running -----------------------------------------------------------------

Campaign::Campaign(CampaignConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
Campaign::~Campaign() = default;

bool Campaign::run(const CampaignHooks& hooks, std::string* error) {
  Impl& m = *impl_;
  const Plan& plan = m.plan;
  ResultsWriter writer;
  if (!m.config.out_path.empty()) {
    bool ok = writer.open(m.config.out_path, m.keep_bytes, error) &&
              (!m.new_file || writer.write_line(plan.format(), error));
    for (const std::string& l : m.pending) ok = ok && writer.write_line(l, error);
    if (!ok) return false;
  }
  const uint64_t total = plan.shard_jobs();
  const bool one_run = total == 1;
  bool write_failed = false;
  std::vector<std::string> lines;
  auto on_result = [&](size_t i, RunResult&& r) -> bool {
    const uint64_t job = plan.job(m.start + i);
    const uint64_t cell = plan.cell_of(job), seed = plan.seed_of(job);
    const Verdict verdict = r.failures > 0 ? Verdict::kViolation : Verdict::kHolds;
    // The replay scenario is built only for runs that are saved; for the
    // others only the fault count is recomputed (cheap).
    uint64_t added = 0;
    std::string saved, save_error;
    if (m.wants_saved(verdict))
      saved = m.save_run(cell, seed, &added, &save_error);
    else
      added = m.added_faults(cell, seed);
    const RunRecord rec = RunRecord::from_run(cell, seed, r, added);
    lines.clear();
    m.emitter.add(rec, &lines);
    for (const std::string& l : lines)
      if (writer.is_open() && !write_failed && !writer.write_line(l, error)) write_failed = true;
    if (!save_error.empty()) {
      ++m.unsaved;
      if (hooks.save_error) hooks.save_error(save_error);
    }
    const bool violating = rec.verdict == Verdict::kViolation;
    if (violating && !saved.empty() && m.emitter.summary().violations() == 1) m.first_saved = saved;
    if (hooks.message && ((violating && m.reported < kReported) || one_run)) {
      m.reported += violating;
      const std::string rerun = rerun_command(plan, cell, seed);
      hooks.message(
          run_label(plan, cell, seed) + ": " +
          (violating ? "VIOLATION (" + rec.failing_kinds() + ")" : to_string(rec.verdict)) +
          ", trace " + format_hash(rec.trace_hash) + ", " + std::to_string(rec.faults) +
          " random fault(s)" +
          (violating ? "\n  reproduce: " +
                           (saved.empty() ? rerun
                                          : replay_command(plan, saved) + "\n         or: " + rerun)
                     : std::string()));
      if (violating && m.reported == kReported)
        hooks.message(
            "(further failing runs are only counted; `leasesim results FILE` lists them)");
    }
    if (hooks.progress) hooks.progress(m.start + i + 1, m.emitter.summary().violations());
    return !write_failed && !(plan.stop_on_first && violating);
  };
  const auto t0 = std::chrono::steady_clock::now();
  if (m.start < total) {
    const std::function<Scenario(size_t)> make = [&](size_t i) {
      return m.job_scenario(plan.job(m.start + i));
    };
    m.ran = m.runner.run(total - m.start, make, m.run_options, on_result);
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.stopped = m.runner.stop_requested();
  if (write_failed) return false;
  if (writer.is_open())
    return writer.write_line(m.emitter.summary_line(), error) && writer.close(error);
  return true;
}

BatchRunner& Campaign::runner() {
  return impl_->runner;
}
const Plan& Campaign::plan() const {
  return impl_->plan;
}
uint64_t Campaign::total() const {
  return impl_->plan.shard_jobs();
}
uint64_t Campaign::done() const {
  return impl_->emitter.summary().runs();
}
const Summary& Campaign::summary() const {
  return impl_->emitter.summary();
}
uint64_t Campaign::unsaved() const {
  return impl_->unsaved;
}

bool Campaign::interrupted() const {
  return impl_->stopped && summary().status(impl_->plan) == "interrupted";
}

// --- reporting ---------------------------------------------------------------

std::string Campaign::report(bool tables, bool markdown) const {
  const Impl& m = *impl_;
  const Plan& plan = m.plan;
  const Summary& s = summary();
  std::string out;
  if (tables && plan.shards == 1) {
    const std::string t = cell_tables(plan, m.emitter.cells(), markdown);
    if (!t.empty()) out += t + "\n";
  }
  const std::string unit = plan.has_params() ? "run(s)" : "seed(s)";
  out += headline(plan, s) + "\n  " + random_faults_text(plan) + "\n";
  char buf[160];
  const double rate = m.seconds > 0 ? static_cast<double>(m.ran) / m.seconds : 0.0;
  std::snprintf(buf, sizeof buf, "  %llu %s this session in %.2fs: %s/s on %u job(s)\n",
                static_cast<unsigned long long>(m.ran), unit.c_str(), m.seconds,
                format_rate(rate).c_str(), m.runner.threads());
  out += buf;
  if (const auto first = s.first_violation()) {
    // Saved in this session, or by the session a resumed file came from (a
    // file of that name from some other run must not be named).
    std::string saved = m.first_saved;
    std::error_code ec;  // (a symlink loop there is "not saved", not a throw)
    if (saved.empty() && !m.new_file && !m.config.save_dir.empty() &&
        std::filesystem::exists(m.saved_path(first->cell, first->seed), ec))
      saved = m.saved_path(first->cell, first->seed);
    out += "  first failing run: " + run_label(plan, first->cell, first->seed) + "\n  reproduce: " +
           (saved.empty() ? rerun_command(plan, first->cell, first->seed)
                          : replay_command(plan, saved)) +
           "\n";
  }
  if (s.incomplete() > 0)
    out += "  " + std::to_string(s.incomplete()) +
           " run(s) stopped before the end by --max-events, --timeout or too many events "
           "pending (verdict \"incomplete\"); they were not fully checked\n";
  if (!m.config.out_path.empty()) out += "  results: " + m.config.out_path + "\n";
  if (m.saved > 0)
    out += "  saved scenarios: " + m.config.save_dir + "/ (" + std::to_string(m.saved) +
           " this session; leasesim run FILE replays one)\n";
  if (plan.shards > 1 && s.status(plan) != "interrupted")
    out += "  combine the shards with: leasesim merge FILE... --out results.jsonl\n";
  if (interrupted()) {
    out += "interrupted after " + std::to_string(done()) + " of " + std::to_string(total()) + " " +
           unit + "; ";
    out += m.config.out_path.empty()
               ? "nothing was saved (no --out)\n"
               : "the finished runs are in " + m.config.out_path + "; resume with:\n  " +
                     resume_command(plan, m.config.out_path, m.save_args()) + "\n";
  }
  return out;
}

}  // namespace leasesim
