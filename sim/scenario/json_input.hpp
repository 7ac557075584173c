// Internal to the scenario loader: from a file or text to a JSON document,
// with the file, size, UTF-8, nesting-depth, syntax and duplicate-key
// checks.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "leasesim/format/diagnostics.hpp"

namespace leasesim::scenario_detail {

using namespace leasesim::format;  // NOLINT: the loader is written in the format's terms

// Reads a regular file's bytes. Reports why not to *sink.
bool read_file_text(const std::string& path, std::string* text, Sink* sink);

// Parses scenario text. Returns true if a document was produced; duplicate
// keys are reported to *sink but still produce a document (the last value
// wins), so the caller can go on to find more errors.
bool parse_json_text(std::string_view text, nlohmann::json* out, Sink* sink);

}  // namespace leasesim::scenario_detail
