// Runs every tests/golden/**/*.test case against the sluice binary: writes the case's files into a
// fresh temp dir, runs `sluice run pipeline.sql` there, and compares stdout, stderr, the exit code
// and sink files with the expectations worked out by hand in the case.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "golden/child_process.h"
#include "golden/golden_case.h"

#ifndef SLUICE_SOURCE_DIR
#error "SLUICE_SOURCE_DIR must be defined"
#endif
#ifndef SLUICE_BINARY
#error "SLUICE_BINARY must be defined"
#endif

namespace sluice::golden {
namespace {

namespace fs = std::filesystem;

fs::path CaseRoot() { return fs::path(SLUICE_SOURCE_DIR) / "tests" / "golden"; }

std::vector<std::string> FindCases() {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(CaseRoot(), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".test") {
      out.push_back(it->path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Returns "window_tumble_basic" for ".../tests/golden/window/tumble_basic.test".
std::string CaseName(const std::string& path) {
  std::string rel = fs::path(path).lexically_relative(CaseRoot()).replace_extension("").string();
  for (char& ch : rel) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return rel;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Reads the lines of a sink output: a file, or every regular file below a directory (a
/// filesystem sink may write part files into a directory).
std::vector<std::string> ReadSinkLines(const fs::path& p) {
  if (!fs::is_directory(p)) return Lines(ReadFile(p));
  std::vector<std::string> all;
  for (const auto& entry : fs::recursive_directory_iterator(p)) {
    if (!entry.is_regular_file()) continue;
    std::vector<std::string> part = Lines(ReadFile(entry.path()));
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

std::string Indented(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "    " + l + "\n";
  return lines.empty() ? "    (none)\n" : out;
}

/// Returns "" when `actual` equals `expected` as a multiset, else a missing/unexpected diff.
std::string MultisetDiff(std::vector<std::string> expected, std::vector<std::string> actual) {
  std::map<std::string, int> count;
  for (const std::string& e : expected) ++count[e];
  for (const std::string& a : actual) --count[a];
  std::vector<std::string> missing, unexpected;
  for (const auto& [row, n] : count) {
    for (int i = 0; i < n; ++i) missing.push_back(row);
    for (int i = 0; i < -n; ++i) unexpected.push_back(row);
  }
  if (missing.empty() && unexpected.empty()) return "";
  std::sort(actual.begin(), actual.end());
  return "  missing rows (expected, not produced):\n" + Indented(missing) +
         "  unexpected rows (produced, not expected):\n" + Indented(unexpected) +
         "  all produced rows (sorted):\n" + Indented(actual);
}

/// Returns "" when `actual` equals `expected` in order, else the first difference and both lists.
std::string OrderedDiff(const std::vector<std::string>& expected,
                        const std::vector<std::string>& actual) {
  if (expected == actual) return "";
  size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  return "  first difference at row " + std::to_string(i + 1) + "\n  expected:\n" +
         Indented(expected) + "  produced:\n" + Indented(actual);
}

std::string Excerpt(const std::string& text) {
  constexpr size_t kMax = 4000;
  if (text.size() <= kMax) return text;
  return text.substr(0, kMax) + "\n... (" + std::to_string(text.size() - kMax) + " more bytes)";
}

/// Creates a fresh temp dir and writes the case's input files and pipeline.sql into it.
fs::path PrepareDir(const GoldenCase& c) {
  std::string tmpl = (fs::temp_directory_path() / "sluice-golden-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return {};
  fs::path dir(tmpl);
  for (const GoldenFile& f : c.files) {
    fs::path p = dir / f.name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    for (const std::string& l : f.lines) out << l << "\n";
  }
  std::ofstream(dir / "pipeline.sql", std::ios::binary) << c.sql;
  return dir;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, Run) {
  Result<GoldenCase> parsed = LoadGoldenCase(GetParam());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const GoldenCase& c = *parsed;
  fs::path dir = PrepareDir(c);
  ASSERT_FALSE(dir.empty()) << "mkdtemp failed";

  ChildSpec spec;
  spec.argv = {SLUICE_BINARY, "run", (dir / "pipeline.sql").string()};
  for (const std::string& kv : c.settings) {
    spec.argv.push_back("--set");
    spec.argv.push_back(kv);
  }
  spec.cwd = dir.string();
  spec.env = {{"TEST_DIR", dir.string()}, {"TZ", "UTC"}};
  Result<ChildOutput> run = RunChild(spec);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const ChildOutput& out = *run;

  std::string failures;
  if (out.timed_out) failures += "- timed out after 60 s (killed)\n";
  if (out.exit_code != c.exit_code) {
    failures += "- exit code " + std::to_string(out.exit_code) + ", expected " +
                std::to_string(c.exit_code) + "\n";
  }
  if (c.rows) {
    std::vector<std::string> actual = Lines(out.stdout_text);
    std::string diff = c.ordered ? OrderedDiff(*c.rows, actual) : MultisetDiff(*c.rows, actual);
    if (!diff.empty()) failures += "- stdout rows differ:\n" + diff;
  }
  for (const std::string& s : c.stdout_substrings) {
    if (out.stdout_text.find(s) == std::string::npos) {
      failures += "- stdout lacks: " + s + "\n";
    }
  }
  for (const std::string& s : c.stderr_substrings) {
    if (out.stderr_text.find(s) == std::string::npos) {
      failures += "- stderr lacks: " + s + "\n";
    }
  }
  for (const GoldenFile& f : c.expected_files) {
    fs::path p = dir / f.name;
    if (!fs::exists(p)) {
      failures += "- sink file " + f.name + " was not written\n";
      continue;
    }
    std::string diff = MultisetDiff(f.lines, ReadSinkLines(p));
    if (!diff.empty()) failures += "- file " + f.name + " differs:\n" + diff;
  }

  if (failures.empty()) {
    fs::remove_all(dir);
    return;
  }
  ADD_FAILURE() << "golden case " << c.path << " failed:\n"
                << failures << "--- exit code: " << out.exit_code << "\n--- stdout:\n"
                << Excerpt(out.stdout_text) << "--- stderr:\n"
                << Excerpt(out.stderr_text) << "--- case dir kept: " << dir.string() << "\n";
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(FindCases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return CaseName(info.param);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenTest);

}  // namespace
}  // namespace sluice::golden
