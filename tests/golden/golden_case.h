#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace sluice::golden {

/// One input or expected file of a golden case: its name (relative to the case's temp dir) and
/// its lines.
struct GoldenFile {
  std::string name;
  std::vector<std::string> lines;
};

/// One parsed golden case (a tests/golden/<area>/<name>.test file). Immutable after parsing.
struct GoldenCase {
  std::string path;                              // the .test file
  std::vector<std::string> comment;              // the leading '#' lines
  std::vector<GoldenFile> files;                 // `--- file NAME`
  std::string sql;                               // `--- sql`
  std::vector<std::string> settings;             // `--- set k=v` (each "k=v")
  std::optional<std::vector<std::string>> rows;  // `--- expect rows` / `--- expect ordered rows`
  bool ordered = false;                          // true for `--- expect ordered rows`
  int exit_code = 0;                             // `--- expect exit N`
  std::vector<std::string> stderr_substrings;    // `--- expect stderr`
  std::vector<std::string> stdout_substrings;    // `--- expect stdout`
  std::vector<GoldenFile> expected_files;        // `--- expect file NAME`
};

/// Parses the text of a .test file. `path` is used in error messages only. Returns a parse
/// error naming the line for an unknown section or a malformed header.
Result<GoldenCase> ParseGoldenCase(const std::string& path, const std::string& text);

/// Reads and parses the .test file at `path`.
Result<GoldenCase> LoadGoldenCase(const std::string& path);

}  // namespace sluice::golden
