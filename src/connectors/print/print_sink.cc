#include "connectors/print/print_sink.h"

#include <fmt/format.h>

#include "types/cell_text.h"

namespace sluice::connectors {

PrintSink::PrintSink(std::FILE* out, std::string identifier, std::string stream_name)
    : out_(out),
      prefix_(identifier.empty() ? "" : identifier + "> "),
      stream_name_(std::move(stream_name)) {}

void PrintSink::AppendRowText(const Batch& batch, size_t row, std::string* out) {
  out->append(RowKindShortString(batch.row_kind(row)));
  out->push_back('[');
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    if (i > 0) out->append(", ");
    AppendCellText(batch.column(i), row, out);
  }
  out->push_back(']');
}

Status PrintSink::Write(EpochId, int, const Batch& batch) {
  for (size_t row = 0; row < batch.num_rows; ++row) {
    buffer_.append(prefix_);
    AppendRowText(batch, row, &buffer_);
    buffer_.push_back('\n');
  }
  return Status::Ok();
}

Status PrintSink::CommitEpoch(EpochId) {
  if (buffer_.empty()) return Status::Ok();
  bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), out_) == buffer_.size();
  buffer_.clear();
  if (std::fflush(out_) != 0 || !ok) {
    return Status::IoError(fmt::format("cannot write to {}", stream_name_));
  }
  return Status::Ok();
}

Status PrintSink::Close() { return CommitEpoch(EpochId(0)); }

std::string PrintSink::Describe() const {
  return fmt::format("print to {}, at-least-once", stream_name_);
}

}  // namespace sluice::connectors
