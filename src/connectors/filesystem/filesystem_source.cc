#include "connectors/filesystem/filesystem_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {

namespace fs = std::filesystem;

FilesystemSource::FilesystemSource(std::string table_name, std::string path, SchemaPtr schema,
                                   std::unique_ptr<runtime::RecordDecoder> decoder,
                                   runtime::BadRecordReporter* reporter, size_t chunk_bytes)
    : table_name_(std::move(table_name)),
      path_(std::move(path)),
      schema_(std::move(schema)),
      decoder_(std::move(decoder)),
      reporter_(reporter),
      chunk_bytes_(chunk_bytes) {}

Status FilesystemSource::Open() {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path_, ec)) {
    for (const auto& entry : fs::directory_iterator(path_, ec)) {
      std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || name[0] == '_') continue;
      if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
    }
    if (ec) return Status::IoError(fmt::format("cannot list '{}': {}", path_, ec.message()));
    std::sort(files.begin(), files.end());
  } else if (fs::exists(path_, ec)) {
    files.push_back(path_);
  } else {
    return Status::NotFound(fmt::format("option 'path' = '{}': no such file or directory", path_));
  }
  for (auto& file : files) {
    Split split;
    split.reader = std::make_unique<LineReader>(std::move(file), chunk_bytes_);
    RETURN_IF_ERROR(split.reader->Open());
    splits_.push_back(std::move(split));
  }
  return Status::Ok();
}

Result<runtime::SourceBatch> FilesystemSource::ReadBatch(size_t index, size_t max_rows,
                                                         std::optional<uint64_t> until) {
  Split& split = splits_[index];
  LineReader& reader = *split.reader;
  runtime::BatchBuilder builder(schema_);
  while (until ? reader.offset() < *until : builder.num_rows() < max_rows) {
    ASSIGN_OR_RETURN(std::optional<std::string_view> line, reader.Next());
    if (!line) {
      split.done = true;
      break;
    }
    if (TrimBlanks(*line).empty()) continue;
    Status status = decoder_->Decode(*line, &builder);
    if (!status.ok()) {
      ++bad_records_;
      if (reporter_ != nullptr) {
        reporter_->Report(table_name_, fmt::format("{}:{}", reader.path(), reader.line_number()),
                          *line, status.message());
      }
    }
  }
  if (!split.done) {
    ASSIGN_OR_RETURN(split.done, reader.AtEnd());
  }
  runtime::SourceBatch out;
  out.split = SplitId(static_cast<int64_t>(index));
  out.batch = builder.Finish();
  out.end_position = std::to_string(reader.offset());
  return out;
}

Result<std::optional<runtime::SourceBatch>> FilesystemSource::Poll(size_t max_rows) {
  const size_t n = splits_.size();
  for (size_t k = 0; k < n; ++k) {
    size_t index = (next_split_ + k) % n;
    if (splits_[index].done) continue;
    next_split_ = (index + 1) % n;
    uint64_t before = splits_[index].reader->offset();
    ASSIGN_OR_RETURN(runtime::SourceBatch batch,
                     ReadBatch(index, std::max<size_t>(max_rows, 1), std::nullopt));
    if (splits_[index].reader->offset() == before) continue;  // nothing was left in this file
    return std::optional<runtime::SourceBatch>(std::move(batch));
  }
  return std::optional<runtime::SourceBatch>();
}

Result<runtime::SourceBatch> FilesystemSource::ReadUntil(SplitId split,
                                                         const std::string& end_position) {
  auto index = static_cast<size_t>(split.value());
  if (split.value() < 0 || index >= splits_.size()) {
    return Status::InvalidArgument(fmt::format("split {} does not exist", split.value()));
  }
  auto until = ParseIntegerText(end_position);
  const LineReader& reader = *splits_[index].reader;
  if (!until || *until < 0 || static_cast<uint64_t>(*until) < reader.offset()) {
    return Status::InvalidArgument(fmt::format("position '{}' of {} is not at or after {}",
                                               end_position, reader.path(), reader.offset()));
  }
  ASSIGN_OR_RETURN(runtime::SourceBatch batch, ReadBatch(index, 0, static_cast<uint64_t>(*until)));
  if (reader.offset() != static_cast<uint64_t>(*until)) {
    return Status::DataError(
        fmt::format("cannot replay {} up to byte {}: the file ends or changed at byte {}",
                    reader.path(), *until, reader.offset()));
  }
  return batch;
}

bool FilesystemSource::Finished() const {
  return std::all_of(splits_.begin(), splits_.end(), [](const Split& s) { return s.done; });
}

std::string FilesystemSource::split_name(SplitId split) const {
  auto index = static_cast<size_t>(split.value());
  if (split.value() < 0 || index >= splits_.size()) return "?";
  return fs::path(splits_[index].reader->path()).filename().string();
}

}  // namespace sluice::connectors
