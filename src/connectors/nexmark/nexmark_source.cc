#include "connectors/nexmark/nexmark_source.h"

#include <fmt/format.h>

#include <limits>

#include "connectors/formats/text_value_parser.h"
#include "runtime/record_decoder.h"

namespace sluice::connectors {
namespace {

using ValueKind = NexmarkGenerator::ValueKind;

bool TypeFits(ValueKind kind, const LogicalType& type) {
  switch (kind) {
    case ValueKind::kBigInt:
      return type.id == TypeId::kBigInt;
    case ValueKind::kString:
      return type.id == TypeId::kString;
    case ValueKind::kTimestamp:
      return type.is_timestamp();
  }
  return false;
}

const char* TypeName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBigInt:
      return "BIGINT";
    case ValueKind::kString:
      return "STRING";
    case ValueKind::kTimestamp:
      return "TIMESTAMP(3)";
  }
  return "";
}

// Returns the index of column `field` among the table's Nexmark fields, or an error listing them.
Result<int> ResolveField(NexmarkTable table, const Field& field) {
  const auto& fields = NexmarkGenerator::Fields(table);
  std::string names;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (field.name == fields[i].name) {
      if (!TypeFits(fields[i].kind, field.type)) {
        return Status::InvalidArgument(
            fmt::format("column '{}' of a nexmark '{}' table must be {}, not {}", field.name,
                        NexmarkTableName(table), TypeName(fields[i].kind), field.type.ToString()));
      }
      return static_cast<int>(i);
    }
    names +=
        fmt::format("{}{} {}", names.empty() ? "" : ", ", fields[i].name, TypeName(fields[i].kind));
  }
  return Status::InvalidArgument(fmt::format("a nexmark '{}' table has no column '{}'; it has {}",
                                             NexmarkTableName(table), field.name, names));
}

}  // namespace

NexmarkSource::NexmarkSource(const NexmarkConfig& config, SchemaPtr schema, std::vector<int> fields)
    : generator_(config), schema_(std::move(schema)), fields_(std::move(fields)) {}

Result<std::unique_ptr<NexmarkSource>> NexmarkSource::Create(
    const std::map<std::string, std::string>& options, const std::string& table_name,
    SchemaPtr schema, const Schema& table_schema) {
  ASSIGN_OR_RETURN(NexmarkConfig config, NexmarkConfig::Parse(options, table_name));
  for (const Field& f : table_schema.fields()) {
    RETURN_IF_ERROR(ResolveField(config.table, f).status());
  }
  std::vector<int> fields;
  for (const Field& f : schema->fields()) {
    ASSIGN_OR_RETURN(int index, ResolveField(config.table, f));
    fields.push_back(index);
  }
  return std::unique_ptr<NexmarkSource>(
      new NexmarkSource(config, std::move(schema), std::move(fields)));
}

Status NexmarkSource::Open() {
  opened_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

// The first event not available yet: events.num, or (rate-limited) the events due by now.
int64_t NexmarkSource::EndEvent() const {
  const NexmarkConfig& c = generator_.config();
  int64_t end = c.events_num > 0 ? c.events_num : std::numeric_limits<int64_t>::max();
  if (c.rate_limited) {
    const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - opened_)
                                .count();
    end = std::min(
        end,
        static_cast<int64_t>(static_cast<__int128>(elapsed_us) * c.event_rate / 1'000'000) + 1);
  }
  return end;
}

runtime::SourceBatch NexmarkSource::Generate(int64_t end_event, size_t max_rows) {
  runtime::BatchBuilder builder(schema_);
  std::vector<Column*> out(NexmarkGenerator::Fields(generator_.config().table).size(), nullptr);
  for (size_t i = 0; i < fields_.size(); ++i) out[fields_[i]] = &builder.column(i);
  const NexmarkGenerator::Range range = generator_.Append(next_event_, end_event, max_rows, out);
  for (size_t i = 0; i < range.rows; ++i) builder.CommitRow();
  next_event_ = range.next_event;
  runtime::SourceBatch batch;
  batch.split = SplitId(0);
  batch.batch = builder.Finish();
  batch.end_position = std::to_string(next_event_);
  return batch;
}

Result<std::optional<runtime::SourceBatch>> NexmarkSource::Poll(size_t max_rows) {
  const int64_t end = EndEvent();
  if (next_event_ >= end) return std::optional<runtime::SourceBatch>();
  runtime::SourceBatch batch = Generate(end, std::max<size_t>(max_rows, 1));
  if (batch.batch->num_rows == 0) return std::optional<runtime::SourceBatch>();
  return std::optional<runtime::SourceBatch>(std::move(batch));
}

Result<runtime::SourceBatch> NexmarkSource::ReadUntil(SplitId split,
                                                      const std::string& end_position) {
  if (split.value() != 0) {
    return Status::InvalidArgument(fmt::format("nexmark has no split {}", split.value()));
  }
  auto end = ParseIntegerText(end_position);
  const int64_t limit = generator_.config().events_num;
  if (!end || *end < next_event_ || (limit > 0 && *end > limit)) {
    return Status::InvalidArgument(
        fmt::format("nexmark position '{}' cannot follow position {}", end_position, next_event_));
  }
  return Generate(*end, std::numeric_limits<size_t>::max());
}

bool NexmarkSource::Finished() const {
  const int64_t limit = generator_.config().events_num;
  return limit > 0 && next_event_ >= limit;
}

std::string NexmarkSource::split_name(SplitId) const {
  return std::string("nexmark-") + NexmarkTableName(generator_.config().table);
}

}  // namespace sluice::connectors
