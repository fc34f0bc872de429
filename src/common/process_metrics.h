#pragma once

#include "common/metrics_registry.h"

namespace sluice {

/// Registers process_resident_memory_bytes, process_cpu_seconds_total and process_open_fds in
/// `registry`: callbacks that read /proc/self at every scrape (on the scraping thread). On a
/// system without /proc the values are 0.
void RegisterProcessMetrics(MetricsRegistry* registry);

}  // namespace sluice
