#include "expr/row_watermark_node.h"

#include "common/event_time.h"

namespace sluice::expr {

Result<Operand> RowWatermarkNode::Eval(const EvalInput& in) const {
  auto out = std::make_shared<Column>(type());
  const std::vector<int64_t>& watermarks = in.batch->row_watermarks;
  for (size_t i = 0; i < in.rows; ++i) {
    const uint32_t row = in.BatchRow(i);
    if (row >= watermarks.size() || watermarks[row] == kMinWatermark.value()) {
      out->AppendNull();
    } else {
      out->AppendInt(watermarks[row]);
    }
  }
  return Operand{std::move(out), false};
}

}  // namespace sluice::expr
