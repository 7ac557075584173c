// The loader's public entry points. None of them throws: anything thrown
// inside (allocation failure included) becomes an error diagnostic.
#include <exception>
#include <string>

#include "json_input.hpp"
#include "leasesim/protocol/registry.hpp"
#include "leasesim/scenario/loader.hpp"
#include "loader_impl.hpp"

namespace leasesim {

namespace sd = scenario_detail;

namespace {

void internal_error(sd::Sink* sink, const char* what) {
  sink->file_error(std::string("internal error while loading: ") + what);
}

LoadResult finish(sd::Sink* sink, std::optional<Scenario> scenario) {
  LoadResult r;
  if (sink->error_count() == 0) r.scenario = std::move(scenario);
  sink->finish(&r.errors, &r.warnings);
  if (!r.errors.empty()) r.scenario.reset();
  return r;
}

std::optional<Scenario> load_into(const nlohmann::json& doc, const std::string& label,
                                  sd::Sink* sink) {
  try {
    sd::Loader loader(doc, sink);
    return loader.run(label);
  } catch (const std::exception& e) {
    internal_error(sink, e.what());
  } catch (...) {
    internal_error(sink, "unknown exception");
  }
  return std::nullopt;
}

LoadResult load_text(std::string_view text, const std::string& label, sd::Sink* sink) {
  std::optional<Scenario> scenario;
  try {
    nlohmann::json doc;
    if (sd::parse_json_text(text, &doc, sink)) scenario = load_into(doc, label, sink);
  } catch (const std::exception& e) {
    internal_error(sink, e.what());
  } catch (...) {
    internal_error(sink, "unknown exception");
  }
  return finish(sink, std::move(scenario));
}

}  // namespace

LoadResult load_scenario_file(const std::string& path) {
  sd::Sink sink(path);
  try {
    std::string text;
    if (!sd::read_file_text(path, &text, &sink)) return finish(&sink, std::nullopt);
    return load_text(text, path, &sink);
  } catch (const std::exception& e) {
    internal_error(&sink, e.what());
  } catch (...) {
    internal_error(&sink, "unknown exception");
  }
  return finish(&sink, std::nullopt);
}

LoadResult load_scenario_text(std::string_view text, const std::string& file_label) {
  sd::Sink sink(file_label);
  return load_text(text, file_label, &sink);
}

LoadResult load_scenario_json(const nlohmann::json& doc, const std::string& file_label) {
  sd::Sink sink(file_label);
  std::optional<Scenario> scenario = load_into(doc, file_label, &sink);
  return finish(&sink, std::move(scenario));
}

std::vector<std::string> scenario_keys(const nlohmann::json& doc) {
  const ProtocolModule* m = nullptr;
  if (doc.is_object() && doc.contains("protocol") && doc["protocol"].is_object() &&
      doc["protocol"].contains("name") && doc["protocol"]["name"].is_string())
    m = find_protocol(doc["protocol"]["name"].get<std::string>());
  return sd::root_for(m != nullptr ? *m : default_protocol())->keys();
}

bool read_scenario_json(const std::string& path, nlohmann::json* out,
                        std::vector<Diagnostic>* errors) {
  sd::Sink sink(path);
  bool ok = false;
  try {
    std::string text;
    nlohmann::json doc;
    if (sd::read_file_text(path, &text, &sink) && sd::parse_json_text(text, &doc, &sink) &&
        sink.error_count() == 0) {
      *out = std::move(doc);
      ok = true;
    }
  } catch (const std::exception& e) {
    internal_error(&sink, e.what());
  } catch (...) {
    internal_error(&sink, "unknown exception");
  }
  std::vector<Diagnostic> warnings;
  if (errors != nullptr) sink.finish(errors, &warnings);
  return ok;
}

}  // namespace leasesim
