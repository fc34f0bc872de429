// The status record a `sluice run` process publishes to its pipeline's status topic
// (cli/process_status.h) read back as `sluice status` reads it: owned splits per source, lag,
// state, identity; and a clear error for a record that is not one.

#include "cli/process_status.h"

#include <gtest/gtest.h>

namespace sluice::cli {
namespace {

runtime::PipelineSnapshot TwoSourceSnapshot() {
  runtime::PipelineSnapshot snap;
  snap.name = "orders_agg";
  snap.state = "running";
  snap.started_ms = 1000;
  snap.last_commit_ms = 4000;
  snap.last_committed_epoch = 42;
  runtime::SourceSnapshot orders;
  orders.name = "orders";
  orders.open = true;
  orders.records = 700;
  orders.splits = {{"orders-1", 5}, {"orders-4", 0}};
  runtime::SourceSnapshot users;
  users.name = "users";
  users.records = 30;
  users.splits = {{"users-0", -1}};
  snap.sources = {orders, users};
  runtime::OperatorSnapshot window;
  window.job = "per_symbol";
  window.name = "WindowAggregate";
  window.state_keys = 12;
  window.state_bytes = 2048;
  runtime::OperatorSnapshot join;
  join.job = "enriched";
  join.name = "Join";
  join.state_keys = 3;  // no checkpoint yet: state_bytes absent
  snap.operators = {window, join};
  return snap;
}

TEST(ProcessStatusTest, RecordReadsBackAsPublished) {
  ProcessIdentity process{"vm7", 4242, 900, "http://127.0.0.1:8081"};
  EXPECT_EQ(process.Key(), "vm7:4242:900");
  auto parsed = ParseProcessStatus(ProcessStatusRecord(process, TwoSourceSnapshot(), 5000));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->id, "vm7:4242");
  EXPECT_EQ(parsed->http, "http://127.0.0.1:8081");
  EXPECT_EQ(parsed->state, "running");
  EXPECT_EQ(parsed->published_ms, 5000);
  EXPECT_EQ(parsed->last_committed_epoch, 42);
  EXPECT_EQ(parsed->records, 730);
  EXPECT_EQ(parsed->lag, 5);
  EXPECT_FALSE(parsed->lag_known);  // users-0's backlog is unknown
  EXPECT_EQ(parsed->state_keys, 15);
  EXPECT_EQ(parsed->state_bytes, 2048);
  ASSERT_EQ(parsed->splits.size(), 2u);
  EXPECT_EQ(parsed->splits.at("orders"), (std::vector<std::string>{"orders-1", "orders-4"}));
  EXPECT_EQ(parsed->splits.at("users"), (std::vector<std::string>{"users-0"}));
}

TEST(ProcessStatusTest, AProcessWithoutHttpOrSplitsReadsBack) {
  runtime::PipelineSnapshot snap;
  snap.name = "p";
  snap.state = "created";
  auto parsed = ParseProcessStatus(ProcessStatusRecord({"h", 1, 2, ""}, snap, 3));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->http, "");
  EXPECT_TRUE(parsed->splits.empty());
  EXPECT_TRUE(parsed->lag_known);
}

TEST(ProcessStatusTest, MalformedRecordsAreRefusedWithAReason) {
  for (const char* bad :
       {"", "not json", "{}", "{\"process\":{\"id\":\"a\"},\"status\":{}}", "[1,2,3]"}) {
    auto parsed = ParseProcessStatus(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("malformed status record"), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace sluice::cli
