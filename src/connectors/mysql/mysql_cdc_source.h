#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "connectors/mysql/binlog_row_decoder.h"
#include "connectors/mysql/binlog_stream.h"
#include "connectors/mysql/mysql_batch_builder.h"
#include "connectors/mysql/mysql_cdc_options.h"
#include "connectors/mysql/mysql_cdc_position.h"
#include "connectors/mysql/mysql_connection.h"
#include "connectors/mysql/mysql_table_schema.h"
#include "runtime/connector_registry.h"
#include "runtime/source_reader.h"

namespace sluice::connectors {

/// Connector 'mysql-cdc': the changelog of the MySQL/MariaDB tables matching 'database-name' and
/// 'table-name' (regular expressions), as one split. With 'scan.startup.mode' = 'initial' it
/// first reads a consistent snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT, the binlog
/// position of that snapshot, SELECTs chunked by primary key) as +I rows, then streams the
/// binlog from that position (BinlogStream, rows decoded by BinlogRowDecoder): inserts +I,
/// updates -U/+U, deletes -D. Declared columns match MySQL columns by name; metadata columns
/// 'database_name', 'table_name' and 'op_ts' are available. Positions are MySqlCdcPosition text,
/// so replay and restart resume exactly in the binlog (a snapshot chunk replayed after a restart
/// reads the table as it is then; the binlog that follows converges it). Unbounded.
/// Single-threaded, like every reader (the binlog connection reads on a thread of its own).
class MySqlCdcSource : public runtime::SourceReader {
 public:
  /// The factory registered for 'mysql-cdc'.
  static Result<std::unique_ptr<runtime::SourceReader>> Create(
      const runtime::SourceContext& context);

  MySqlCdcSource(std::string table_name, MySqlCdcOptions options, SchemaPtr schema,
                 std::vector<MySqlBatchBuilder::Field> fields,
                 runtime::BadRecordReporter* reporter);
  ~MySqlCdcSource() override;

  /// Connects, checks the server's binlog settings (ROW format, FULL images) and finds the
  /// tables; fails with a clear error when none matches.
  Status Open() override;
  Result<std::optional<runtime::SourceBatch>> Poll(size_t max_rows) override;
  Result<runtime::SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  /// Continues after `position` without reading what precedes it.
  Status SeekTo(SplitId split, const std::string& position) override;
  bool Finished() const override { return false; }
  size_t num_splits() const override { return 1; }
  std::string split_name(SplitId) const override;
  void Close() override;

  /// Returns the position after the last delivered row.
  std::string position() const { return position_.ToString(); }

 private:
  struct Table {
    MySqlTableSchema schema;
    MySqlBatchBuilder::TableBinding binding;
  };
  struct Pending {  // decoded rows of the current rows event not yet delivered
    size_t table = 0;
    int64_t op_ts_ms = 0;
    std::vector<BinlogRowDecoder::Change> changes;
    size_t next = 0;
  };

  Result<Table> BindTable(const std::string& database, const std::string& table);
  bool Matches(const std::string& database, const std::string& table) const;
  // Starts the phase the position calls for (snapshot transaction or binlog stream).
  Status Start();
  Status StartSnapshotTransaction();
  Status StartBinlog();
  // Adds up to `max_rows` rows to the builder, stopping at `end` when given; waits up to
  // `wait_ms` for binlog events.
  Status Produce(size_t max_rows, const MySqlCdcPosition* end, int wait_ms);
  Status ProduceSnapshot(size_t max_rows, const MySqlCdcPosition* end);
  Status ProduceBinlog(size_t max_rows, const MySqlCdcPosition* end, int wait_ms);
  Status ConsumeEvent(const BinlogStream::Event& event);
  Status OnTableMap(const BinlogStream::Event& event);
  bool EmitPending(size_t max_rows, const MySqlCdcPosition* end);
  runtime::SourceBatch TakeBatch();

  std::string table_name_;
  MySqlCdcOptions options_;
  SchemaPtr schema_;
  runtime::BadRecordReporter* reporter_;
  MySqlBatchBuilder builder_;
  std::regex database_regex_;
  std::regex table_regex_;
  MySqlConnection meta_;
  std::vector<Table> tables_;
  bool started_ = false;
  bool position_known_ = false;  // set by SeekTo
  MySqlCdcPosition position_;
  // Snapshot phase.
  std::unique_ptr<MySqlConnection> snapshot_;
  // Binlog phase.
  BinlogStream stream_;
  std::string stream_file_;
  std::map<uint64_t, int> table_ids_;  // binlog table id -> index into tables_, -1: not ours
  std::map<uint64_t, BinlogRowDecoder::TableMap> table_maps_;
  std::optional<Pending> pending_;
  uint64_t txn_rows_ = 0;   // rows of the current transaction decoded (delivered or skipped)
  uint64_t skip_rows_ = 0;  // rows of the first transaction delivered before a restart
};

}  // namespace sluice::connectors
