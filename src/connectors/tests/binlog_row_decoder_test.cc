// BinlogRowDecoder on event bodies built byte by byte: a row of common types, and malformed
// events (most found by fuzz/binlog_row_decoder_fuzzer, whose corpus keeps each input) that must
// be data errors, never a crash, an out-of-bounds read or an endless loop.

#include "connectors/mysql/binlog_row_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::connectors {
namespace {

constexpr uint8_t kLong = 3, kNewDecimal = 246, kVarchar = 15, kBit = 16;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

// A TABLE_MAP body of table 42 `db`.`t` with these column types and metadata bytes.
std::string TableMapBody(const std::string& types, const std::string& metadata) {
  std::string body = Bytes({42, 0, 0, 0, 0, 0, 1, 0});  // table id, flags
  body += Bytes({2}) + "db" + Bytes({0}) + Bytes({1}) + "t" + Bytes({0});
  body += static_cast<char>(types.size()) + types;
  body += static_cast<char>(metadata.size()) + metadata;
  return body + Bytes({0});  // nullable bitmap
}

// A WRITE_ROWS_EVENT_V1 body of table 42 with `columns` columns, all present, then `rows`.
std::string WriteRowsBody(size_t columns, const std::string& rows) {
  std::string body = Bytes({42, 0, 0, 0, 0, 0, 1, 0});
  body += static_cast<char>(columns);
  body += std::string((columns + 7) / 8, '\xff');
  return body + rows;
}

MySqlTableSchema SchemaOf(const BinlogRowDecoder::TableMap& map) {
  MySqlTableSchema schema;
  for (size_t i = 0; i < map.types.size(); ++i) {
    schema.columns.push_back({"c" + std::to_string(i), "int", false, {}});
  }
  return schema;
}

Status Decode(const std::string& map_body, const std::string& rows_body,
              std::vector<BinlogRowDecoder::Change>* changes) {
  auto map = BinlogRowDecoder::ParseTableMap(map_body);
  if (!map.ok()) return map.status();
  return BinlogRowDecoder::DecodeRows(BinlogRowDecoder::kWriteRowsV1, rows_body, *map,
                                      SchemaOf(*map), changes);
}

TEST(BinlogRowDecoderTest, DecodesAWriteOfIntegerDecimalAndVarchar) {
  // INT, DECIMAL(10, 2) (metadata precision, scale), VARCHAR(20) (metadata: max length, 2 bytes).
  const std::string map =
      TableMapBody(Bytes({kLong, kNewDecimal, kVarchar}), Bytes({10, 2, 20, 0}));
  // null bitmap 0; INT -5; DECIMAL 1234.50 (8 integral digits in 4 bytes, sign bit flipped,
  // then 2 fraction digits in 1 byte); VARCHAR "abc".
  const std::string row = Bytes({0, 0xfb, 0xff, 0xff, 0xff, 0x80, 0, 0x04, 0xd2, 50, 3}) + "abc";
  std::vector<BinlogRowDecoder::Change> changes;
  ASSERT_TRUE(Decode(map, WriteRowsBody(3, row), &changes).ok());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, RowKind::kInsert);
  EXPECT_EQ(changes[0].values[0], "-5");
  EXPECT_EQ(changes[0].values[1], "1234.50");
  EXPECT_EQ(changes[0].values[2], "abc");
}

void ExpectDataError(const Status& status, const std::string& what) {
  EXPECT_EQ(status.code(), StatusCode::kDataError) << status.ToString();
  EXPECT_NE(status.message().find(what), std::string::npos) << status.ToString();
}

// Found by fuzzing: no row image of a table without columns consumes a byte, so the rows of
// such an event were read forever.
TEST(BinlogRowDecoderTest, RowsOfATableWithoutColumnsAreAnError) {
  std::vector<BinlogRowDecoder::Change> changes;
  ExpectDataError(Decode(TableMapBody("", ""), WriteRowsBody(0, Bytes({0, 0, 0})), &changes),
                  "without columns");
  EXPECT_TRUE(changes.empty());
}

// Found by fuzzing: a huge length-encoded column count wrapped the cursor's bounds check around
// and the types were read far past the event.
TEST(BinlogRowDecoderTest, HugeColumnCountInTableMapIsAnError) {
  std::string body = Bytes({42, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0});  // table id, flags, "", ""
  body += Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 3, 1, 0});
  auto map = BinlogRowDecoder::ParseTableMap(body);
  ASSERT_FALSE(map.ok());
  ExpectDataError(map.status(), "truncated TABLE_MAP");
}

// Found by fuzzing: BIT metadata of more than 8 bytes read 8 bytes at the cursor without
// taking them, past the end of the event.
TEST(BinlogRowDecoderTest, BitWiderThanEightBytesIsAnError) {
  const std::string map = TableMapBody(Bytes({kBit}), Bytes({0, 200}));  // 200 bytes + 0 bits
  std::vector<BinlogRowDecoder::Change> changes;
  ExpectDataError(Decode(map, WriteRowsBody(1, Bytes({0, 1})), &changes), "malformed row");
}

// Found by fuzzing: DECIMAL metadata with a scale above the precision indexed a table with a
// negative number.
TEST(BinlogRowDecoderTest, DecimalScaleAbovePrecisionIsAnError) {
  const std::string map = TableMapBody(Bytes({kNewDecimal}), Bytes({2, 8}));
  std::vector<BinlogRowDecoder::Change> changes;
  ExpectDataError(Decode(map, WriteRowsBody(1, Bytes({0, 1, 2, 3, 4, 5})), &changes),
                  "DECIMAL(2, 8)");
}

// A row cut off before its null bitmap: the bitmap was read from an empty view.
TEST(BinlogRowDecoderTest, RowWithoutItsNullBitmapIsAnError) {
  const std::string map = TableMapBody(std::string(9, static_cast<char>(kLong)), "");
  std::vector<BinlogRowDecoder::Change> changes;
  // A first complete row of nine NULLs, then one byte of a second row's two-byte bitmap.
  ExpectDataError(Decode(map, WriteRowsBody(9, Bytes({0xff, 0x01, 0xff})), &changes),
                  "truncated or malformed row");
}

}  // namespace
}  // namespace sluice::connectors
