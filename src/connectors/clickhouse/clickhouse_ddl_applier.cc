#include "connectors/clickhouse/clickhouse_ddl_applier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

namespace sluice::connectors {
namespace {

// The words and identifiers of a statement, comments skipped, quotes of `x` and "x" removed;
// stops at the first '(' (column lists and engine arguments are not needed).
std::vector<std::string> HeadTokens(const std::string& s) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      i = s.find('\n', i);
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      i = s.find("*/", i + 2);
      if (i != std::string::npos) i += 2;
    } else if (c == '`' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string::npos) break;
      tokens.push_back(s.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '.') {
      tokens.push_back(".");
      ++i;
    } else if (c == '(' || c == ';') {
      break;
    } else {
      size_t end = i;
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) && s[end] != '.' &&
             s[end] != '(' && s[end] != ';' && s[end] != '`' && s[end] != '"') {
        ++end;
      }
      tokens.push_back(s.substr(i, end - i));
      i = end;
    }
  }
  return tokens;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool IsAlreadyExists(const Status& status) {
  int code = ClickHouseHttpClient::ErrorCode(status.message());
  return code == 57 || code == 82 || status.message().find("already exists") != std::string::npos;
}

}  // namespace

std::vector<ClickHouseDdlApplier::Statement> ClickHouseDdlApplier::Split(
    const std::string& script) {
  std::vector<Statement> out;
  std::string current;
  bool has_code = false;
  int line = 1, start_line = 1;
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    auto take_until = [&](const std::string& end, bool keep_end) {
      size_t stop = script.find(end, i + 1);
      size_t last = stop == std::string::npos ? script.size() : stop + (keep_end ? end.size() : 0);
      for (; i < last; ++i) {
        if (script[i] == '\n') ++line;
      }
      --i;
      current.push_back(' ');  // a comment is dropped: 18.16 accepts only -- and /* */ anyway
    };
    if (c == '\'' || c == '"' || c == '`') {
      // A quoted part: up to the closing quote that is not escaped by a backslash.
      if (!has_code) start_line = line;
      has_code = true;
      current.push_back(c);
      size_t j = i + 1;
      while (j < script.size() && script[j] != c) j += script[j] == '\\' ? 2 : 1;
      for (size_t k = i + 1; k <= j && k < script.size(); ++k) {
        if (script[k] == '\n') ++line;
        current.push_back(script[k]);
      }
      i = j;
    } else if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      take_until("\n", false);
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      take_until("*/", true);
    } else if (c == ';') {
      if (has_code) out.push_back({current, start_line});
      current.clear();
      has_code = false;
    } else {
      if (c == '\n') ++line;
      if (!std::isspace(static_cast<unsigned char>(c))) {
        if (!has_code) start_line = line;
        has_code = true;
      }
      current.push_back(c);
    }
  }
  if (has_code) out.push_back({current, start_line});
  for (Statement& s : out) {
    s.text.erase(0, s.text.find_first_not_of(" \t\r\n"));
    s.text.erase(s.text.find_last_not_of(" \t\r\n") + 1);
  }
  return out;
}

std::optional<ClickHouseDdlApplier::CreatedObject> ClickHouseDdlApplier::ParseCreate(
    const std::string& statement) {
  std::vector<std::string> t = HeadTokens(statement);
  size_t i = 0;
  auto word = [&](const char* w) {
    if (i < t.size() && Upper(t[i]) == w) {
      ++i;
      return true;
    }
    return false;
  };
  if (!word("CREATE")) return std::nullopt;
  if (word("OR")) word("REPLACE");
  word("TEMPORARY");
  CreatedObject object;
  if (word("DATABASE")) {
    object.is_database = true;
  } else if (word("TABLE") || word("VIEW") || word("DICTIONARY") ||
             (word("MATERIALIZED") && word("VIEW")) || (word("LIVE") && word("VIEW"))) {
  } else {
    return std::nullopt;
  }
  if (word("IF")) {
    word("NOT");
    word("EXISTS");
  }
  if (i >= t.size()) return std::nullopt;
  if (object.is_database) {
    object.database = t[i];
  } else if (i + 2 < t.size() && t[i + 1] == ".") {
    object.database = t[i];
    object.name = t[i + 2];
  } else {
    object.name = t[i];
  }
  return object;
}

Status ClickHouseDdlApplier::WaitForServer(int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int64_t wait_ms = 100;
  for (;;) {
    auto answer = client_->Query("SELECT 1");
    if (answer.ok() || !answer.status().retryable()) return answer.status();
    if (std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms) > deadline) {
      return Status::Unavailable(fmt::format("ClickHouse at {} did not answer within {} ms: {}",
                                             client_->url(), timeout_ms,
                                             answer.status().message()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min<int64_t>(wait_ms * 2, 5000);
  }
}

sluice::Result<bool> ClickHouseDdlApplier::Exists(const CreatedObject& object) {
  std::string query =
      object.is_database
          ? fmt::format("SELECT count() FROM system.databases WHERE name = {}",
                        ClickHouseHttpClient::QuoteLiteral(object.database))
          : fmt::format("SELECT count() FROM system.tables WHERE database = {} AND name = {}",
                        object.database.empty()
                            ? std::string("currentDatabase()")
                            : ClickHouseHttpClient::QuoteLiteral(object.database),
                        ClickHouseHttpClient::QuoteLiteral(object.name));
  ASSIGN_OR_RETURN(std::string count, client_->Query(query + " FORMAT TabSeparated"));
  return count.rfind("0", 0) != 0;
}

std::vector<ClickHouseDdlApplier::Result> ClickHouseDdlApplier::Apply(
    const std::vector<Statement>& statements, const std::function<void(const Result&)>& report) {
  std::vector<Result> results;
  bool database_ensured = false;
  for (const Statement& statement : statements) {
    Result result;
    result.statement = statement;
    std::optional<CreatedObject> object = ParseCreate(statement.text);
    std::string what =
        !object ? ""
        : object->is_database
            ? "database " + object->database
            : (object->database.empty() ? "" : object->database + ".") + object->name;
    Status status;
    if (!database_ensured && object && !object->is_database && !object->database.empty()) {
      database_ensured = true;
      status = client_
                   ->Query("CREATE DATABASE IF NOT EXISTS " +
                           ClickHouseHttpClient::QuoteIdentifier(object->database))
                   .status();
    }
    sluice::Result<bool> exists = object && status.ok() ? Exists(*object) : false;
    if (!exists.ok()) status = exists.status();
    if (status.ok() && object && *exists) {
      result.outcome = Outcome::kSkipped;
      result.message = what + " exists";
    } else if (status.ok()) {
      status = client_->Query(statement.text).status();
      result.outcome = object ? Outcome::kCreated : Outcome::kDone;
      result.message = what;
    }
    if (!status.ok() && object && IsAlreadyExists(status)) {
      result.outcome = Outcome::kSkipped;
      result.message = what + " exists";
    } else if (!status.ok()) {
      result.outcome = Outcome::kFailed;
      result.message = status.message();
      result.status = status;
    }
    report(result);
    results.push_back(result);
    if (result.outcome == Outcome::kFailed && status.retryable()) break;
  }
  return results;
}

Status ClickHouseDdlApplier::ApplyFresh(const std::string& script, const std::string& label) {
  std::vector<Statement> statements = Split(script);
  for (const Statement& s : statements) {
    std::optional<CreatedObject> created = ParseCreate(s.text);
    if (created && created->is_database) {
      RETURN_IF_ERROR(client_
                          ->Query("DROP DATABASE IF EXISTS " +
                                  ClickHouseHttpClient::QuoteIdentifier(created->database))
                          .status());
    }
  }
  Status failed = Status::Ok();
  Apply(statements, [&](const Result& r) {
    if (r.outcome == Outcome::kFailed && failed.ok()) {
      failed = r.status.WithContext(fmt::format("{}:{}", label, r.statement.line));
    }
  });
  return failed;
}

}  // namespace sluice::connectors
