#pragma once

#include <cstdint>
#include <limits>

#include "common/strong_int.h"

namespace sluice {

struct EventTimeTag {};
struct WatermarkTag {};
struct EpochIdTag {};
struct SplitIdTag {};

/// Milliseconds since 1970-01-01T00:00:00Z of an event.
using EventTime = StrongInt<EventTimeTag>;
/// Milliseconds since the epoch up to which event time is complete: no record with an event time
/// at or before it is expected any more.
using Watermark = StrongInt<WatermarkTag>;
/// Sequence number of an execution epoch, starting at 1.
using EpochId = StrongInt<EpochIdTag>;
/// Index of a source split (a file, a Kafka partition, a generator instance) within a pipeline.
using SplitId = StrongInt<SplitIdTag>;

/// The watermark before any record was seen.
inline constexpr Watermark kMinWatermark{std::numeric_limits<int64_t>::min()};
/// The watermark at the end of bounded input: every window fires.
inline constexpr Watermark kMaxWatermark{std::numeric_limits<int64_t>::max()};

}  // namespace sluice
