#include "connectors/filesystem/filesystem_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "connectors/formats/text_value_parser.h"

namespace sluice::connectors {

namespace fs = std::filesystem;

FilesystemSource::FilesystemSource(std::string table_name, std::string path, SchemaPtr schema,
                                   std::unique_ptr<runtime::RecordDecoder> decoder,
                                   runtime::BadRecordReporter* reporter, size_t chunk_bytes,
                                   std::vector<MetadataColumn> metadata)
    : table_name_(std::move(table_name)),
      path_(std::move(path)),
      schema_(std::move(schema)),
      metadata_(std::move(metadata)),
      decoder_(std::move(decoder)),
      reporter_(reporter),
      chunk_bytes_(chunk_bytes) {
  if (metadata_.empty()) {
    physical_schema_ = schema_;
    return;
  }
  auto physical = std::make_shared<Schema>();
  for (size_t i = 0; i < schema_->size(); ++i) {
    bool is_metadata = std::any_of(metadata_.begin(), metadata_.end(),
                                   [i](const MetadataColumn& m) { return m.index == i; });
    if (!is_metadata) physical->Add(schema_->field(i));
  }
  physical_schema_ = std::move(physical);
}

bool FilesystemSource::IsMetadataKey(const std::string& key) {
  return key == "file.path" || key == "file.name" || key == "file.size";
}

BatchPtr FilesystemSource::AddMetadata(BatchPtr decoded, size_t split) const {
  if (metadata_.empty()) return decoded;
  auto out = std::make_shared<Batch>();
  out->schema = schema_;
  out->num_rows = decoded->num_rows;
  out->row_kinds = decoded->row_kinds;
  out->columns.resize(schema_->size());
  const std::string& file = splits_[split].reader->path();
  for (const MetadataColumn& m : metadata_) {
    auto col = std::make_shared<Column>(schema_->field(m.index).type);
    std::error_code ec;
    for (size_t r = 0; r < decoded->num_rows; ++r) {
      if (m.key == "file.size") {
        col->AppendInt(static_cast<int64_t>(fs::file_size(file, ec)));
      } else {
        col->AppendString(m.key == "file.name" ? fs::path(file).filename().string() : file);
      }
    }
    out->columns[m.index] = std::move(col);
  }
  size_t next = 0;
  for (auto& c : out->columns) {
    if (!c) c = decoded->columns[next++];
  }
  return out;
}

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
  runtime::BatchBuilder builder(physical_schema_);
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
  out.batch = AddMetadata(builder.Finish(), index);
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
