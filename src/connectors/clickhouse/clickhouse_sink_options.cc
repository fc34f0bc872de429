#include "connectors/clickhouse/clickhouse_sink_options.h"

#include <fmt/format.h>

#include <set>

#include "connectors/connector_options.h"

namespace sluice::connectors {

Result<ClickHouseSinkOptions> ClickHouseSinkOptions::Parse(
    const std::map<std::string, std::string>& map) {
  ConnectorOptions options(map);
  std::set<std::string> known = SinkRetryOptions::Names();
  known.insert({"batch-size", "batch-bytes", "request-timeout", "create-table", "order-by",
                "partition-by", "delivery-guarantee", "aggregation"});
  RETURN_IF_ERROR(options.CheckKnown("sink.", known, "connector 'clickhouse'"));
  ClickHouseSinkOptions o;
  o.url = options.GetString("url", o.url);
  o.database = options.GetString("database-name", o.database);
  o.table = options.GetString("table-name");
  o.username = options.GetString("username");
  o.password = options.GetString("password");
  if (o.table.empty()) {
    return Status::InvalidArgument("connector 'clickhouse' needs option 'table-name'");
  }
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument(fmt::format(
        "option 'url' of connector 'clickhouse' must start with http:// or https://, got '{}'",
        o.url));
  }
  ASSIGN_OR_RETURN(o.batch_size, options.GetInt("sink.batch-size", o.batch_size));
  ASSIGN_OR_RETURN(o.batch_bytes, options.GetInt("sink.batch-bytes", o.batch_bytes));
  RETURN_IF_ERROR(o.ParseRetryOptions(options, "connector 'clickhouse'"));
  ASSIGN_OR_RETURN(o.request_timeout_ms,
                   options.GetDurationMillis("sink.request-timeout", o.request_timeout_ms));
  std::string create_table = options.GetString("sink.create-table", "false");
  if (create_table != "true" && create_table != "false") {
    return Status::InvalidArgument(fmt::format(
        "option 'sink.create-table' of connector 'clickhouse' must be true or false, got '{}'",
        create_table));
  }
  o.create_table = create_table == "true";
  o.delivery_guarantee = options.GetString("sink.delivery-guarantee", "at-least-once");
  if (o.delivery_guarantee != "exactly-once" && o.delivery_guarantee != "effectively-once" &&
      o.delivery_guarantee != "at-least-once") {
    return Status::InvalidArgument(fmt::format(
        "option 'sink.delivery-guarantee' of connector 'clickhouse' must be exactly-once, "
        "effectively-once or at-least-once, got '{}'",
        o.delivery_guarantee));
  }
  std::string aggregation = options.GetString("sink.aggregation", "final");
  if (aggregation != "final" && aggregation != "partial") {
    return Status::InvalidArgument(fmt::format(
        "option 'sink.aggregation' of connector 'clickhouse' must be final or partial, got '{}'",
        aggregation));
  }
  o.partial = aggregation == "partial";
  o.order_by = options.GetString("sink.order-by");
  o.partition_by = options.GetString("sink.partition-by");
  if (o.batch_size < 1 || o.batch_bytes < 1 || o.request_timeout_ms < 1) {
    return Status::InvalidArgument(
        "connector 'clickhouse': sink.batch-size, sink.batch-bytes and sink.request-timeout "
        "must be positive");
  }
  return o;
}

}  // namespace sluice::connectors
