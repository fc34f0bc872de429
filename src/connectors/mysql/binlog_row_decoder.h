#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/mysql/mysql_table_schema.h"
#include "types/row_kind.h"

namespace sluice::connectors {

/// Decodes MySQL/MariaDB binlog TABLE_MAP and WRITE/UPDATE/DELETE_ROWS events (V1 and V2) from
/// their raw bytes into row changes whose values are text, spelled as a SELECT in UTC returns
/// them ("12.50", "2024-01-02 03:04:05.123", ENUM labels, "a,b" for SETs), so that snapshot and
/// binlog rows go through the same conversion. Pure functions; thread-safe.
class BinlogRowDecoder {
 public:
  /// Event type codes of the binlog format.
  enum EventType : uint8_t {
    kQueryEvent = 2,
    kRotateEvent = 4,
    kXidEvent = 16,
    kTableMapEvent = 19,
    kWriteRowsV1 = 23,
    kUpdateRowsV1 = 24,
    kDeleteRowsV1 = 25,
    kWriteRowsV2 = 30,
    kUpdateRowsV2 = 31,
    kDeleteRowsV2 = 32,
  };

  /// The column layout of a table as a TABLE_MAP event announces it.
  struct TableMap {
    uint64_t table_id = 0;
    std::string database;
    std::string table;
    std::vector<uint8_t> types;
    std::vector<uint16_t> metadata;  // per column, 0 when the type has none
  };

  /// One changed row: a row kind and one text value per table column (nullopt: NULL or a column
  /// the event did not carry).
  struct Change {
    RowKind kind = RowKind::kInsert;
    std::vector<std::optional<std::string>> values;
  };

  static bool IsRowsEvent(uint8_t type) {
    return (type >= kWriteRowsV1 && type <= kDeleteRowsV1) ||
           (type >= kWriteRowsV2 && type <= kDeleteRowsV2);
  }
  /// Returns the table id of a rows event body (the bytes after the 19-byte event header).
  static Result<uint64_t> RowsTableId(std::string_view body);

  /// Parses a TABLE_MAP event body (after the 19-byte header, without checksum).
  static Result<TableMap> ParseTableMap(std::string_view body);

  /// Appends the changes of a rows event body of type `type` to `out`: a write gives +I, an update
  /// -U and +U, a delete -D. `schema` supplies signedness and ENUM/SET labels; an event that does
  /// not carry every column (a binlog_row_image other than FULL) is a kDataError saying so.
  static Status DecodeRows(uint8_t type, std::string_view body, const TableMap& map,
                           const MySqlTableSchema& schema, std::vector<Change>* out);
};

}  // namespace sluice::connectors
