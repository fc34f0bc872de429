#include "connectors/datagen/datagen_source.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/civil_time.h"
#include "common/wall_clock.h"
#include "connectors/formats/text_value_parser.h"
#include "runtime/record_decoder.h"

namespace sluice::connectors {

Result<std::unique_ptr<DatagenSource>> DatagenSource::Create(
    const std::map<std::string, std::string>& map, SchemaPtr schema, const Schema& table_schema) {
  ConnectorOptions options(map);
  std::unique_ptr<DatagenSource> source(new DatagenSource());
  ASSIGN_OR_RETURN(source->rows_per_second_, options.GetInt("rows-per-second", 10000));
  if (source->rows_per_second_ < 0) {
    return Status::InvalidArgument("option 'rows-per-second' must be >= 0");
  }
  if (options.Has("number-of-rows")) {
    ASSIGN_OR_RETURN(int64_t n, options.GetInt("number-of-rows", 0));
    if (n < 0) return Status::InvalidArgument("option 'number-of-rows' must be >= 0");
    source->limit_ = n;
  }
  ASSIGN_OR_RETURN(int64_t seed, options.GetInt("seed", 42));
  source->seed_ = static_cast<uint64_t>(seed);
  if (options.Has("start-time")) {
    auto t = ParseTimestamp(TrimBlanks(options.GetString("start-time")));
    if (!t) {
      return Status::InvalidArgument(fmt::format(
          "option 'start-time' = '{}' is not a timestamp such as '2024-01-01T00:00:00Z'",
          options.GetString("start-time")));
    }
    source->start_time_ms_ = *t;
  }
  if (options.Has("scenario")) {
    RETURN_IF_ERROR(source->CreateScenario(options.GetString("scenario"), table_schema));
    ASSIGN_OR_RETURN(source->scenario_fields_, source->scenario_->ResolveFields(*schema));
    source->schema_ = std::move(schema);
    return source;
  }
  for (const auto& [key, value] : map) {
    if (key.rfind("fields.", 0) != 0) continue;
    size_t dot = key.rfind('.');
    std::string name = key.substr(7, dot > 7 ? dot - 7 : 0);
    if (!table_schema.Find(name)) {
      return Status::InvalidArgument(fmt::format("option '{}' names no column of the table", key));
    }
  }
  for (const Field& f : table_schema.fields()) {
    RETURN_IF_ERROR(options.CheckKnown(
        "fields." + f.name + ".",
        {"kind", "min", "max", "length", "start", "end", "values", "max-past", "null-rate"},
        "datagen"));
    ASSIGN_OR_RETURN(FieldGenerator g, FieldGenerator::Create(f, options));
    if (auto n = g.sequence_length()) source->limit_ = std::min(source->limit_.value_or(*n), *n);
  }
  for (const Field& f : schema->fields()) {
    ASSIGN_OR_RETURN(FieldGenerator g, FieldGenerator::Create(f, options));
    source->generators_.push_back(std::move(g));
  }
  source->schema_ = std::move(schema);
  return source;
}

Status DatagenSource::CreateScenario(const std::string& name, const Schema& table_schema) {
  ASSIGN_OR_RETURN(scenario_, EventScenario::Create(name, seed_));
  return scenario_->ResolveFields(table_schema).status();
}

void DatagenSource::GenerateScenarioRows(int64_t end_row, std::optional<int64_t> wall_ms,
                                         runtime::BatchBuilder* builder) {
  for (int64_t row = generated_; row < end_row; ++row) {
    scenario_->Next(RowTime(row, wall_ms));
    for (size_t f = 0; f < scenario_fields_.size(); ++f) {
      scenario_->Append(scenario_fields_[f], &builder->column(f));
    }
  }
}

Status DatagenSource::Open() {
  started_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

int64_t DatagenSource::RowTime(int64_t row, std::optional<int64_t> wall_ms) const {
  if (wall_ms) return *wall_ms;
  if (rows_per_second_ == 0) return *start_time_ms_ + row;
  return *start_time_ms_ +
         static_cast<int64_t>((static_cast<__int128>(row) * 1000) / rows_per_second_);
}

runtime::SourceBatch DatagenSource::Generate(int64_t end_row, std::optional<int64_t> wall_ms) {
  runtime::BatchBuilder builder(schema_);
  const int64_t n = end_row - generated_;
  if (scenario_) GenerateScenarioRows(end_row, wall_ms, &builder);
  for (size_t f = 0; f < generators_.size(); ++f) {
    Column& col = builder.column(f);
    col.Reserve(static_cast<size_t>(n));
    for (int64_t row = generated_; row < end_row; ++row) {
      generators_[f].Append(seed_, row, RowTime(row, wall_ms), &col);
    }
  }
  for (int64_t i = 0; i < n; ++i) builder.CommitRow();
  generated_ = end_row;
  runtime::SourceBatch out;
  out.split = SplitId(0);
  out.batch = builder.Finish();
  out.end_position = wall_ms ? fmt::format("{}@{}", end_row, *wall_ms) : std::to_string(end_row);
  return out;
}

Result<std::optional<runtime::SourceBatch>> DatagenSource::Poll(size_t max_rows) {
  int64_t end_row = generated_ + static_cast<int64_t>(std::max<size_t>(max_rows, 1));
  if (limit_) end_row = std::min(end_row, *limit_);
  if (rows_per_second_ > 0) {
    auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started_)
                          .count();
    int64_t due =
        static_cast<int64_t>(static_cast<__int128>(elapsed_us) * rows_per_second_ / 1'000'000) + 1;
    end_row = std::min(end_row, due);
  }
  if (end_row <= generated_) return std::optional<runtime::SourceBatch>();
  std::optional<int64_t> wall_ms;
  if (!start_time_ms_) {
    wall_ms = WallClockMillis();
  }
  return std::optional<runtime::SourceBatch>(Generate(end_row, wall_ms));
}

Result<runtime::SourceBatch> DatagenSource::ReadUntil(SplitId split,
                                                      const std::string& end_position) {
  if (split.value() != 0) {
    return Status::InvalidArgument(fmt::format("datagen has no split {}", split.value()));
  }
  std::string_view text = end_position;
  size_t at = text.find('@');
  auto rows = ParseIntegerText(text.substr(0, at));
  std::optional<int64_t> wall_ms;
  if (at != std::string_view::npos) wall_ms = ParseIntegerText(text.substr(at + 1));
  bool wall_ok = (at == std::string_view::npos) == start_time_ms_.has_value() &&
                 (at == std::string_view::npos || wall_ms.has_value());
  if (!rows || *rows < generated_ || (limit_ && *rows > *limit_) || !wall_ok) {
    return Status::InvalidArgument(
        fmt::format("datagen position '{}' cannot follow position {}", end_position, generated_));
  }
  return Generate(*rows, wall_ms);
}

bool DatagenSource::Finished() const { return limit_ && generated_ >= *limit_; }

std::string DatagenSource::split_name(SplitId) const { return "datagen"; }

}  // namespace sluice::connectors
