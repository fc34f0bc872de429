#include "runtime/join_operator.h"

#include <fmt/format.h>

#include <algorithm>

#include "runtime/event_time_row_buffer.h"

namespace sluice::runtime {

JoinOperator::JoinOperator(const sql::PlanNode& node, int64_t watermark_delay_ms,
                           const std::string& name)
    : spec_(node.join),
      schema_(node.schema),
      widths_{node.inputs[0]->schema->size(), node.inputs[1]->schema->size()},
      watermark_delay_ms_(watermark_delay_ms),
      input_watermarks_{kMinWatermark.value(), kMinWatermark.value()},
      watermark_(kMinWatermark.value()),
      emitted_watermark_(kMinWatermark.value()) {
  std::vector<std::string> names[2];
  for (size_t side = 0; side < 2; ++side) {
    for (const auto& f : node.inputs[side]->schema->fields()) names[side].push_back(f.name);
  }
  description_ = fmt::format(
      "{}[{}]", name, spec_.Describe(names[0], names[1], node.kind == sql::PlanKind::kWindowJoin));
}

int64_t JoinOperator::OutputWatermark(int64_t watermark) const {
  if (watermark == kMaxWatermark.value()) return watermark;
  if (watermark < kMinWatermark.value() + watermark_delay_ms_) return kMinWatermark.value();
  return watermark - watermark_delay_ms_;
}

void JoinOperator::AdvanceTo(int64_t watermark) {
  if (watermark <= watermark_) return;
  OnWatermark(watermark);
  watermark_ = watermark;
}

Status JoinOperator::Process(const BatchPtr& batch, size_t input) {
  if (input > 1) return Status::Internal(fmt::format("a join has no input {}", input));
  const Batch& b = *batch;
  const int64_t other = input_watermarks_[1 - input];
  for (size_t i = 0; i < b.num_rows; ++i) {
    if (b.row_kind(i) != RowKind::kInsert) {
      return Status::Unsupported("interval and window joins need insert-only input");
    }
    int64_t own = input_watermarks_[input];
    if (!b.row_watermarks.empty()) own = std::max(own, b.row_watermarks[i]);
    AdvanceTo(std::min(own, other));
    Row row;
    row.reserve(widths_[input]);
    for (size_t c = 0; c < widths_[input]; ++c) row.push_back(Value::FromColumn(b.column(c), i));
    ProcessRow(input, std::move(row), watermark_);
  }
  return EmitOutput();
}

Status JoinOperator::AdvanceWatermark(Watermark watermark, size_t input) {
  if (input > 1) return Status::Internal(fmt::format("a join has no input {}", input));
  input_watermarks_[input] = std::max(input_watermarks_[input], watermark.value());
  AdvanceTo(std::min(input_watermarks_[0], input_watermarks_[1]));
  RETURN_IF_ERROR(EmitOutput());
  const int64_t out = OutputWatermark(watermark_);
  if (out <= emitted_watermark_) return Status::Ok();
  emitted_watermark_ = out;
  return EmitWatermark(Watermark(out));
}

Status JoinOperator::Finish() {
  if (++finished_inputs_ < 2) return Status::Ok();
  AdvanceTo(kMaxWatermark.value());
  RETURN_IF_ERROR(EmitOutput());
  return EmitFinish();
}

std::optional<std::string> JoinOperator::KeyOf(size_t side, const Row& row) const {
  const std::vector<size_t>& keys = side == 0 ? spec_.left_keys : spec_.right_keys;
  std::string key;
  for (size_t k : keys) {
    const Value& v = row[k];
    if (v.is_null()) return std::nullopt;
    // By physical value: INT and BIGINT keys of equal value are equal; -0.0 equals 0.0.
    if (std::holds_alternative<int64_t>(v.data)) {
      const int64_t x = v.as_int();
      key.append(reinterpret_cast<const char*>(&x), sizeof(x));
    } else if (std::holds_alternative<double>(v.data)) {
      const double x = v.as_double() == 0.0 ? 0.0 : v.as_double();
      key.append(reinterpret_cast<const char*>(&x), sizeof(x));
    } else if (std::holds_alternative<bool>(v.data)) {
      key.push_back(v.as_bool() ? '\1' : '\0');
    } else {
      const std::string& x = v.as_string();
      const uint64_t n = x.size();
      key.append(reinterpret_cast<const char*>(&n), sizeof(n));
      key.append(x);
    }
  }
  return key;
}

void JoinOperator::AppendJoined(const Row* left, const Row* right) {
  Row out;
  out.reserve(schema_->size());
  const Row* sides[2] = {left, right};
  size_t column = 0;
  for (size_t s = 0; s < 2; ++s) {
    for (size_t c = 0; c < widths_[s]; ++c, ++column) {
      out.push_back(sides[s] ? (*sides[s])[c] : Value::Null(schema_->field(column).type));
    }
  }
  out_rows_.push_back(std::move(out));
  out_watermarks_.push_back(OutputWatermark(watermark_));
}

void JoinOperator::AppendPadded(size_t side, const Row& row) {
  if (side == 0) {
    AppendJoined(&row, nullptr);
  } else {
    AppendJoined(nullptr, &row);
  }
}

Status JoinOperator::EmitOutput() {
  if (out_rows_.empty()) return Status::Ok();
  BatchPtr built = EventTimeRowBuffer::ToBatch(schema_, out_rows_, 0, {});
  auto batch = std::make_shared<Batch>(*built);
  batch->row_watermarks = std::move(out_watermarks_);
  out_rows_.clear();
  out_watermarks_.clear();
  return Emit(batch);
}

void JoinOperator::SaveBase(StateEncoder* out) const {
  out->PutI64(input_watermarks_[0]);
  out->PutI64(input_watermarks_[1]);
  out->PutI64(watermark_);
  out->PutI64(emitted_watermark_);
  out->PutI64(static_cast<int64_t>(finished_inputs_));
}

Status JoinOperator::RestoreBase(StateDecoder* in) {
  int64_t finished = 0;
  RETURN_IF_ERROR(in->GetI64(&input_watermarks_[0]));
  RETURN_IF_ERROR(in->GetI64(&input_watermarks_[1]));
  RETURN_IF_ERROR(in->GetI64(&watermark_));
  RETURN_IF_ERROR(in->GetI64(&emitted_watermark_));
  RETURN_IF_ERROR(in->GetI64(&finished));
  if (finished < 0 || finished > 2) return in->Corrupt("join finished inputs");
  finished_inputs_ = static_cast<size_t>(finished);
  return Status::Ok();
}

}  // namespace sluice::runtime
