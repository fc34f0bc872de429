#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/record_decoder.h"
#include "types/cell_text.h"

namespace sluice::fuzz {

/// Reports a broken invariant and aborts: libFuzzer keeps the input as a crash.
[[noreturn]] inline void Fail(std::string_view what, std::string_view record) {
  std::fprintf(stderr, "invariant broken: %.*s\nrecord (%zu bytes): %.*s\n",
               static_cast<int>(what.size()), what.data(), record.size(),
               static_cast<int>(record.size()), record.data());
  std::abort();
}

/// Returns the text of row `row` of a batch, "|"-separated, for comparing two decodes.
inline std::string RowText(const Batch& batch, size_t row) {
  std::string text;
  for (const auto& column : batch.columns) {
    AppendCellText(*column, row, &text);
    text += '|';
  }
  return text;
}

/// Decodes `record` twice with one decoder and checks the RecordDecoder contract: each decode
/// either appends 0..`max_rows` committed rows and returns OK, or appends nothing and returns a
/// kDataError with a message; both decodes agree (the decoder keeps no state between records);
/// the finished batch's columns are as long as the batch, its row kinds too when it has them.
inline void CheckDecodesTwiceAlike(runtime::RecordDecoder* decoder, const SchemaPtr& schema,
                                   std::string_view record, size_t max_rows) {
  runtime::BatchBuilder builder(schema);
  Status first = decoder->Decode(record, &builder);
  const size_t rows = builder.num_rows();
  Status second = decoder->Decode(record, &builder);
  if (first.ok() != second.ok() || first.message() != second.message()) {
    Fail("two decodes of one record disagree: " + first.ToString() + " / " + second.ToString(),
         record);
  }
  if (!first.ok()) {
    if (first.code() != StatusCode::kDataError)
      Fail("not a kDataError: " + first.ToString(), record);
    if (first.message().empty()) Fail("a kDataError without a message", record);
    if (rows != 0 || builder.num_rows() != 0) Fail("a rejected record left rows", record);
  }
  if (rows > max_rows || builder.num_rows() != 2 * rows) Fail("unexpected row count", record);
  BatchPtr batch = builder.Finish();
  if (batch->num_rows != 2 * rows) Fail("the batch lost rows", record);
  for (const auto& column : batch->columns) {
    if (column->size() != batch->num_rows) Fail("a column is not as long as the batch", record);
  }
  if (!batch->row_kinds.empty() && batch->row_kinds.size() != batch->num_rows) {
    Fail("row kinds are not as many as the rows", record);
  }
  for (size_t r = 0; r < rows; ++r) {
    if (RowText(*batch, r) != RowText(*batch, rows + r)) Fail("two decodes differ", record);
    if (batch->row_kind(r) != batch->row_kind(rows + r)) Fail("row kinds differ", record);
  }
}

}  // namespace sluice::fuzz
