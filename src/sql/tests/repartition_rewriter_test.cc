#include "sql/repartition_rewriter.h"

#include <gtest/gtest.h>

#include "sql/expr_rewriter.h"
#include "sql/parser.h"
#include "sql/planner.h"
#include "sql/tests/test_function_resolver.h"

namespace sluice::sql {
namespace {

std::string Orders(const std::string& key_options) {
  return "CREATE TABLE orders (\n"
         "  order_id BIGINT, user_id BIGINT, symbol STRING, price DOUBLE, ts TIMESTAMP(3),\n"
         "  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND\n"
         ") WITH ('connector' = 'kafka', 'topic' = 'orders', 'format' = 'json',\n"
         "  'properties.bootstrap.servers' = 'b:9092', 'properties.group.id' = 'g'" +
         key_options + ");\n";
}

constexpr const char* kSink =
    "CREATE TABLE per_user (user_id BIGINT, ws TIMESTAMP(3), n BIGINT, total DOUBLE) WITH (\n"
    "  'connector' = 'clickhouse', 'table-name' = 't');\n";

constexpr const char* kInsert =
    "INSERT INTO per_user SELECT user_id, window_start, COUNT(*), SUM(price)\n"
    "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
    "WHERE price > 0 GROUP BY user_id, window_start, window_end;\n";

constexpr const char* kByOrderId = ", 'key.format' = 'json', 'key.fields' = 'order_id'";

Result<PipelinePlan> Plan(const std::string& sql,
                          const std::map<std::string, std::string>& overrides = {
                              {"pipeline.repartition", "auto"}, {"pipeline.name", "p"}}) {
  static const testing::TestFunctionResolver kFunctions;
  ASSIGN_OR_RETURN(Script script, ParseScript(sql, "q.sql"));
  return PlanScript(script, kFunctions, overrides);
}

std::string Error(const std::string& sql, const std::map<std::string, std::string>& overrides) {
  auto plan = Plan(sql, overrides);
  if (plan.ok()) return "planned without error";
  EXPECT_EQ(plan.status().code(), StatusCode::kPlanError) << plan.status().ToString();
  return plan.status().message();
}

TEST(RepartitionRewriterTest, SplitsAnAggregationGroupedByAnotherKeyIntoTwoJobs) {
  auto plan = Plan(Orders(kByOrderId) + kSink + kInsert);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->jobs.size(), 2u) << plan->ToString();
  const PlanNode& writer = *plan->jobs[0];
  EXPECT_EQ(writer.sink_name, "per_user.repartition");
  const CatalogTable& topic = *writer.sink_table;
  EXPECT_EQ(topic.option("topic"), "p.per_user.repartition");
  EXPECT_EQ(topic.option("key.fields"), "user_id");
  EXPECT_EQ(topic.option("properties.group.id"), "g.per_user.repartition");
  EXPECT_EQ(topic.option("properties.bootstrap.servers"), "b:9092");
  EXPECT_EQ(topic.option("properties.isolation.level"), "read_committed");
  EXPECT_EQ(topic.option("sink.delivery-guarantee"), "exactly-once");
  EXPECT_EQ(topic.option("topic.create.partitions-from"), "orders");
  EXPECT_EQ(plan->tables.count("per_user.repartition"), 1u);
  // The writer sends the aggregation's input (the filter stays in job A): the columns it reads,
  // the row's own watermark (its WATERMARK expression) and where it was read.
  std::vector<std::string> columns;
  for (const auto& f : writer.schema->fields()) columns.push_back(f.name);
  EXPECT_EQ(columns, (std::vector<std::string>{"user_id", "price", "ts", "$watermark", "$partition",
                                               "$offset"}));
  const PlanNode& source = *writer.inputs[0];
  ASSERT_EQ(source.kind, PlanKind::kScan) << plan->ToString();
  EXPECT_NE(source.scan.filter, nullptr) << plan->ToString();
  EXPECT_EQ(source.scan.table->name, "orders");
  EXPECT_EQ(source.scan.outputs[source.scan.outputs.size() - 3]->ToString(),
            ExprRewriter::Substitute(source.scan.watermark_expr, source.scan.outputs)->ToString());
  const auto& stored = source.scan.table->columns;
  ASSERT_GE(stored.size(), 2u);
  EXPECT_EQ(stored[stored.size() - 2].metadata_key, "partition");
  EXPECT_EQ(stored[stored.size() - 1].metadata_key, "offset");

  const PlanNode& reader = *plan->jobs[1];
  EXPECT_EQ(reader.sink_name, "per_user");
  const PlanNode* node = &reader;
  while (node->kind != PlanKind::kWindowAggregate) node = node->inputs[0].get();
  const PlanNode& scan = *node->inputs[0];
  ASSERT_EQ(scan.kind, PlanKind::kScan);
  EXPECT_EQ(scan.scan.table.get(), writer.sink_table.get());
  ASSERT_TRUE(scan.rowtime_column.has_value());
  EXPECT_EQ(*scan.rowtime_column, 2u);
  const std::string text = plan->ToString();
  EXPECT_NE(text.find("repartition by (user_id) into topic 'p.per_user.repartition': GROUP BY "
                      "user_id, but 'orders' is partitioned by its key (order_id)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Scan[per_user.repartition, connector=kafka, read=[user_id, price, ts, "
                      "$watermark, $partition, $offset], watermark=$watermark]"),
            std::string::npos)
      << text;
}

TEST(RepartitionRewriterTest, PassesWhereARowWasReadThroughProjections) {
  const std::string view =
      "CREATE VIEW doubled AS SELECT user_id, price * 2 AS price, ts FROM orders;\n"
      "INSERT INTO per_user SELECT user_id, window_start, COUNT(*), SUM(price)\n"
      "FROM TABLE(TUMBLE(TABLE doubled, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
      "GROUP BY user_id, window_start, window_end;\n";
  auto plan = Plan(Orders(kByOrderId) + kSink + view);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->jobs.size(), 2u) << plan->ToString();
  const PlanNode& writer = *plan->jobs[0];
  std::vector<std::string> columns;
  for (const auto& f : writer.schema->fields()) columns.push_back(f.name);
  EXPECT_EQ(columns, (std::vector<std::string>{"user_id", "price", "ts", "$watermark", "$partition",
                                               "$offset"}))
      << plan->ToString();
  // Each projection between the scan and the aggregation passes the three columns on, last.
  for (const PlanNode* node = writer.inputs[0].get(); node->kind != PlanKind::kScan;
       node = node->inputs[0].get()) {
    const size_t n = node->schema->size();
    ASSERT_GE(n, 3u);
    EXPECT_EQ(node->schema->field(n - 1).name, "$offset") << plan->ToString();
    if (node->kind != PlanKind::kProject) continue;
    const size_t in = node->inputs[0]->schema->size();
    EXPECT_EQ(ExprRewriter::AsColumn(node->exprs[n - 3]), std::optional<size_t>(in - 3));
    EXPECT_EQ(ExprRewriter::AsColumn(node->exprs[n - 1]), std::optional<size_t>(in - 1));
  }
}

TEST(RepartitionRewriterTest, KeepsAJobWhoseInputIsPartitionedByTheGroupKey) {
  auto plan = Plan(Orders(", 'key.format' = 'json', 'key.fields' = 'user_id'") + kSink + kInsert);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs.size(), 1u) << plan->ToString();
}

TEST(RepartitionRewriterTest, RepartitionsWhenTheTopicKeyIsUnknown) {
  auto plan = Plan(Orders("") + kSink + kInsert);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->jobs.size(), 2u);
  EXPECT_NE(plan->ToString().find("'orders' declares no 'key.fields'"), std::string::npos)
      << plan->ToString();
}

TEST(RepartitionRewriterTest, IsOffByDefault) {
  auto plan = Plan(Orders(kByOrderId) + kSink + kInsert, {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs.size(), 1u);
  EXPECT_EQ(plan->tables.count("per_user.repartition"), 0u);
}

TEST(RepartitionRewriterTest, TakesThePartitionCountFromTheSetting) {
  auto plan =
      Plan(Orders(kByOrderId) + kSink + kInsert, {{"pipeline.repartition", "auto"},
                                                  {"pipeline.name", "p"},
                                                  {"pipeline.repartition.partitions", "12"}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs[0]->sink_table->option("topic.create.partitions"), "12");
  EXPECT_EQ(plan->jobs[0]->sink_table->option("topic.create.partitions-from"), "");
}

TEST(RepartitionRewriterTest, LeavesSourcesOtherThanKafkaAlone) {
  auto plan = Plan(
      "CREATE TABLE orders (user_id BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS "
      "ts) WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'json');\n" +
      std::string(kSink) + kInsert);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->jobs.size(), 1u);
}

TEST(RepartitionRewriterTest, RefusesWhatItCannotRepartition) {
  const std::map<std::string, std::string> no_name = {{"pipeline.repartition", "auto"}};
  EXPECT_EQ(Error(Orders(kByOrderId) + kSink + kInsert, no_name),
            "q.sql:8:1: 'pipeline.repartition' = 'auto' needs SET 'pipeline.name': it names the "
            "internal topic and consumer group of sink 'per_user'");
  EXPECT_EQ(Error(Orders(kByOrderId) + kSink + kInsert, {{"pipeline.repartition", "yes"}}),
            "SET 'pipeline.repartition' = 'yes': use 'auto' or 'none'");
  const std::string by_expression =
      "INSERT INTO per_user SELECT user_id + 1, window_start, COUNT(*), SUM(price)\n"
      "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\n"
      "GROUP BY user_id + 1, window_start, window_end;\n";
  EXPECT_NE(Error(Orders(kByOrderId) + kSink + by_expression,
                  {{"pipeline.repartition", "auto"}, {"pipeline.name", "p"}})
                .find("needs GROUP BY columns, not expressions"),
            std::string::npos);
  const std::string session =
      "INSERT INTO per_user SELECT user_id, window_start, COUNT(*), SUM(price)\n"
      "FROM TABLE(SESSION(TABLE orders PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '1' "
      "MINUTE))\n"
      "GROUP BY user_id, window_start, window_end;\n";
  EXPECT_NE(Error(Orders(kByOrderId) + kSink + session,
                  {{"pipeline.repartition", "auto"}, {"pipeline.name", "p"}})
                .find("SESSION windows are not repartitioned"),
            std::string::npos);
  const std::string two_topics = Orders(kByOrderId);
  EXPECT_NE(Error(two_topics.substr(0, two_topics.find("'orders'")) + "'orders;more'" +
                      two_topics.substr(two_topics.find("'orders'") + 8) + kSink + kInsert,
                  {{"pipeline.repartition", "auto"},
                   {"pipeline.name", "p"},
                   {"pipeline.repartition.partitions", "4"}})
                .find("reads several topics"),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::sql
