#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/filesystem/line_reader.h"
#include "runtime/bad_record_reporter.h"
#include "runtime/record_decoder.h"
#include "runtime/source_reader.h"

namespace sluice::connectors {

/// Reads newline-delimited records (NDJSON, CSV lines) from a file, or from every regular file
/// of a directory (sorted by name; names starting with '.' or '_' are skipped), one split per
/// file. A split's position is the byte offset after its last consumed line. Poll takes one
/// batch from the next unfinished split in turn (round robin); blank lines are skipped; bad
/// lines go to the BadRecordReporter as "<file>:<line>" with their bytes and are skipped.
/// Bounded: Finished once every file is read to its end. Metadata columns (Flink's 'file.path',
/// 'file.name', 'file.size') are filled per file. Poll may run on a read-ahead thread
/// (SupportsReadAhead: splits fixed at Open).
class FilesystemSource : public runtime::SourceReader {
 public:
  /// A metadata column of the output: its index in the output schema and its key.
  struct MetadataColumn {
    size_t index;
    std::string key;
  };

  /// `decoder` fills rows of `schema` minus the `metadata` columns; `reporter` may be null (bad
  /// records are then dropped after counting in bad_records()). `chunk_bytes` is the read
  /// buffer size per file.
  FilesystemSource(std::string table_name, std::string path, SchemaPtr schema,
                   std::unique_ptr<runtime::RecordDecoder> decoder,
                   runtime::BadRecordReporter* reporter, size_t chunk_bytes = 1 << 20,
                   std::vector<MetadataColumn> metadata = {});

  /// Returns true when `key` names a metadata column this source can fill.
  static bool IsMetadataKey(const std::string& key);

  Status Open() override;
  Result<std::optional<runtime::SourceBatch>> Poll(size_t max_rows) override;
  Result<runtime::SourceBatch> ReadUntil(SplitId split, const std::string& end_position) override;
  bool Finished() const override;
  size_t num_splits() const override { return splits_.size(); }
  std::string split_name(SplitId split) const override;
  bool SupportsReadAhead() const override { return true; }

  /// Returns how many bad records this source met (reported or not).
  int64_t bad_records() const { return bad_records_; }

 private:
  struct Split {
    std::unique_ptr<LineReader> reader;
    bool done = false;
  };

  // Reads from `split` until `max_rows` rows are decoded, or, when `until` is set, until the
  // split's offset reaches it.
  Result<runtime::SourceBatch> ReadBatch(size_t split, size_t max_rows,
                                         std::optional<uint64_t> until);
  // Returns `decoded` (physical columns) with the metadata columns of `split` added.
  BatchPtr AddMetadata(BatchPtr decoded, size_t split) const;

  std::string table_name_;
  std::string path_;
  SchemaPtr schema_;
  SchemaPtr physical_schema_;  // what the decoder fills
  std::vector<MetadataColumn> metadata_;
  std::unique_ptr<runtime::RecordDecoder> decoder_;
  runtime::BadRecordReporter* reporter_;
  size_t chunk_bytes_;
  std::vector<Split> splits_;
  size_t next_split_ = 0;
  int64_t bad_records_ = 0;
};

}  // namespace sluice::connectors
