#include "golden/golden_case.h"

#include <fstream>
#include <sstream>

namespace sluice::golden {
namespace {

constexpr std::string_view kHeader = "--- ";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

void DropTrailingBlankLines(std::vector<std::string>* lines) {
  while (!lines->empty() && Trim(lines->back()).empty()) lines->pop_back();
}

/// Removes blank lines: expected rows and substrings never are blank.
std::vector<std::string> NonBlank(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines) {
    if (!Trim(l).empty()) out.push_back(l);
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

/// Stores the body of one section into `c`. `header` is the text after "--- ".
Status ApplySection(const std::string& header, std::vector<std::string> body, GoldenCase* c) {
  DropTrailingBlankLines(&body);
  if (StartsWith(header, "file ")) {
    c->files.push_back({Trim(header.substr(5)), std::move(body)});
  } else if (header == "sql") {
    c->sql = Join(body);
  } else if (header == "set" || StartsWith(header, "set ")) {
    if (header != "set") c->settings.push_back(Trim(header.substr(4)));
    for (const std::string& l : NonBlank(body)) c->settings.push_back(Trim(l));
  } else if (header == "expect rows" || header == "expect ordered rows") {
    c->ordered = header == "expect ordered rows";
    c->rows = NonBlank(body);
  } else if (StartsWith(header, "expect exit ")) {
    try {
      c->exit_code = std::stoi(header.substr(12));
    } catch (const std::exception&) {
      return Status::ParseError("bad exit code in '--- " + header + "'");
    }
  } else if (header == "expect stderr") {
    c->stderr_substrings = NonBlank(body);
  } else if (header == "expect stdout") {
    c->stdout_substrings = NonBlank(body);
  } else if (StartsWith(header, "expect file ")) {
    c->expected_files.push_back({Trim(header.substr(12)), NonBlank(body)});
  } else {
    return Status::ParseError("unknown section '--- " + header + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<GoldenCase> ParseGoldenCase(const std::string& path, const std::string& text) {
  GoldenCase c;
  c.path = path;
  std::optional<std::string> header;
  std::vector<std::string> body;
  int line_no = 0;
  int header_line = 0;
  for (const std::string& line : SplitLines(text)) {
    ++line_no;
    if (StartsWith(line, kHeader)) {
      if (header) {
        Status s = ApplySection(*header, std::move(body), &c);
        if (!s.ok()) return s.WithContext(path + ":" + std::to_string(header_line));
      }
      header = Trim(std::string_view(line).substr(kHeader.size()));
      header_line = line_no;
      body.clear();
    } else if (header) {
      body.push_back(line);
    } else if (StartsWith(line, "#")) {
      c.comment.push_back(line);
    } else if (!Trim(line).empty()) {
      return Status::ParseError(path + ":" + std::to_string(line_no) +
                                ": text before the first section must be a '#' comment");
    }
  }
  if (header) {
    Status s = ApplySection(*header, std::move(body), &c);
    if (!s.ok()) return s.WithContext(path + ":" + std::to_string(header_line));
  }
  if (c.sql.empty()) return Status::ParseError(path + ": no '--- sql' section");
  if (c.comment.empty()) {
    return Status::ParseError(path + ": no leading '#' comment explaining the case");
  }
  return c;
}

Result<GoldenCase> LoadGoldenCase(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseGoldenCase(path, text.str());
}

}  // namespace sluice::golden
