#include "runtime/over_accumulator.h"

#include <cmath>

#include "runtime/value_codec.h"

namespace sluice::runtime {

OverAccumulator::OverAccumulator(const sql::OverCall& call, const LogicalType& arg_type)
    : call_(&call), arg_type_(arg_type) {}

void OverAccumulator::Add(const Value& value) {
  if (call_->count_star) {
    ++count_;
    return;
  }
  if (value.is_null()) return;
  ++count_;
  const std::string& fn = call_->function;
  if (fn == "MIN" || fn == "MAX") {
    if (!extreme_ || (fn == "MIN" ? value.data < extreme_->data : extreme_->data < value.data)) {
      extreme_ = value;
    }
    return;
  }
  if (std::holds_alternative<int64_t>(value.data)) {
    int_sum_ += value.as_int();
    double_sum_ += AsDouble(value.as_int());
  } else if (std::holds_alternative<double>(value.data)) {
    double_sum_ += value.as_double();
  }
}

void OverAccumulator::SaveState(StateEncoder* out) const {
  out->PutI64(count_);
  out->PutI64(int_sum_);
  out->PutDouble(double_sum_);
  ValueCodec::PutOptional(extreme_, out);
}

Status OverAccumulator::RestoreState(StateDecoder* in) {
  RETURN_IF_ERROR(in->GetI64(&count_));
  RETURN_IF_ERROR(in->GetI64(&int_sum_));
  RETURN_IF_ERROR(in->GetDouble(&double_sum_));
  return ValueCodec::GetOptional(in, &extreme_);
}

double OverAccumulator::AsDouble(int64_t scaled) const {
  if (arg_type_.id != TypeId::kDecimal) return static_cast<double>(scaled);
  return static_cast<double>(scaled) / std::pow(10.0, arg_type_.scale);
}

Value OverAccumulator::Result() const {
  const LogicalType& t = call_->type;
  const std::string& fn = call_->function;
  if (fn == "COUNT") return Value::Int64(t, count_);
  if (count_ == 0) return Value::Null(t);
  if (fn == "MIN" || fn == "MAX") {
    Value v = *extreme_;
    v.type = t;
    return v;
  }
  const bool avg = fn == "AVG";
  if (t.physical() == PhysicalType::kDouble) {
    return Value{t, avg ? double_sum_ / static_cast<double>(count_) : double_sum_};
  }
  if (!avg) return Value::Int64(t, int_sum_);
  int64_t sum = int_sum_;
  if (t.id == TypeId::kDecimal && arg_type_.id == TypeId::kDecimal) {
    for (int s = arg_type_.scale; s < t.scale; ++s) sum *= 10;
  } else if (t.id == TypeId::kDecimal) {
    for (int s = 0; s < t.scale; ++s) sum *= 10;
  }
  return Value::Int64(t, sum / count_);
}

}  // namespace sluice::runtime
