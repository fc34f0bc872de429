#include "cli/clickhouse_command.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/sluice_cli.h"
#include "connectors/clickhouse/clickhouse_ddl_applier.h"
#include "connectors/clickhouse/clickhouse_http_client.h"

namespace sluice::cli {
namespace {

using connectors::ClickHouseDdlApplier;

// Returns the statement's first line, shortened to 60 characters.
std::string Head(const std::string& text) {
  std::string head = text.substr(0, text.find('\n'));
  if (head.size() > 60) head = head.substr(0, 57) + "...";
  return head;
}

const char* OutcomeName(ClickHouseDdlApplier::Outcome outcome) {
  switch (outcome) {
    case ClickHouseDdlApplier::Outcome::kCreated:
      return "created";
    case ClickHouseDdlApplier::Outcome::kSkipped:
      return "skipped";
    case ClickHouseDdlApplier::Outcome::kDone:
      return "done";
    case ClickHouseDdlApplier::Outcome::kFailed:
      break;
  }
  return "failed";
}

}  // namespace

ClickHouseCommand::ClickHouseCommand(CLI::App* app) {
  clickhouse_ = app->add_subcommand("clickhouse", "ClickHouse schema tooling");
  clickhouse_->require_subcommand(1);
  apply_ = clickhouse_->add_subcommand(
      "apply",
      "Run a DDL file statement by statement; create the database first, skip objects "
      "that exist");
  apply_->add_option("file", file_, "DDL file (statements separated by ';')")->required();
  apply_->add_option("--url", url_,
                     "ClickHouse HTTP interface (default: $CLICKHOUSE_URL or "
                     "http://localhost:8123)");
  apply_->add_option("--user", user_, "User (default: $CLICKHOUSE_USER)");
  apply_->add_option("--password", password_, "Password (default: $CLICKHOUSE_PASSWORD)");
  apply_->add_option("--wait", wait_seconds_, "Seconds to wait for a server that is not up")
      ->capture_default_str();
}

int ClickHouseCommand::Run() {
  if (apply_->parsed()) return Apply();
  return kExitUserError;
}

int ClickHouseCommand::Apply() {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr ? value : "");
  };
  if (apply_->count("--url") == 0 && !env("CLICKHOUSE_URL").empty()) url_ = env("CLICKHOUSE_URL");
  if (user_.empty()) user_ = env("CLICKHOUSE_USER");
  if (password_.empty()) password_ = env("CLICKHOUSE_PASSWORD");
  std::ifstream in(file_);
  if (!in) {
    std::fprintf(stderr, "error: cannot read %s\n", file_.c_str());
    return kExitUserError;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::vector<ClickHouseDdlApplier::Statement> statements = ClickHouseDdlApplier::Split(text.str());

  connectors::ClickHouseHttpClient client(url_, user_, password_, 60000);
  ClickHouseDdlApplier applier(&client);
  Status up = applier.WaitForServer(static_cast<int64_t>(wait_seconds_ * 1000));
  if (!up.ok()) {
    std::fprintf(stderr, "error: %s\n", up.message().c_str());
    return up.retryable() ? kExitRuntimeError : kExitUserError;
  }
  bool failed = false, unavailable = false;
  applier.Apply(statements, [&](const ClickHouseDdlApplier::Result& r) {
    bool bad = r.outcome == ClickHouseDdlApplier::Outcome::kFailed;
    failed = failed || bad;
    unavailable = unavailable || (bad && r.status.retryable());
    std::printf("%s:%d: %s: %s%s%s\n", file_.c_str(), r.statement.line, OutcomeName(r.outcome),
                bad ? Head(r.statement.text).c_str() : r.message.c_str(), bad ? ": " : "",
                bad ? r.message.c_str() : "");
    std::fflush(stdout);
  });
  if (unavailable) return kExitRuntimeError;
  return failed ? kExitUserError : kExitOk;
}

}  // namespace sluice::cli
