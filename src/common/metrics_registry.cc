#include "common/metrics_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sluice {
namespace {

std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// Renders {a="x",b="y"} with `extra` (e.g. le="0.5") last; nothing when there are no labels.
std::string RenderLabels(const MetricLabels& labels, const std::string& extra = "") {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first + "=\"" + MetricsRegistry::EscapeLabelValue(labels[i].second) + "\"";
  }
  if (!extra.empty()) {
    if (!labels.empty()) out += ',';
    out += extra;
  }
  return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  counts_ = std::make_unique<std::atomic<int64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::string MetricsRegistry::EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

MetricsRegistry::Series* MetricsRegistry::FindOrAdd(const std::string& name,
                                                    const std::string& help,
                                                    const std::string& type,
                                                    const MetricLabels& labels, bool* created) {
  Family& family = families_[name];
  if (family.type.empty()) {
    family.help = help;
    family.type = type;
  }
  for (auto& series : family.series) {
    if (series->labels == labels) {
      *created = false;
      return series.get();
    }
  }
  family.series.push_back(std::make_unique<Series>());
  family.series.back()->labels = labels;
  *created = true;
  return family.series.back().get();
}

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  bool created = false;
  Series* s = FindOrAdd(name, help, "counter", labels, &created);
  if (created) s->counter = std::make_unique<Counter>();
  return s->counter.get();
}

Gauge* MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  bool created = false;
  Series* s = FindOrAdd(name, help, "gauge", labels, &created);
  if (created) s->gauge = std::make_unique<Gauge>();
  return s->gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const std::vector<double>& bounds,
                                         const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  bool created = false;
  Series* s = FindOrAdd(name, help, "histogram", labels, &created);
  if (created) s->histogram = std::make_unique<Histogram>(bounds);
  return s->histogram.get();
}

void MetricsRegistry::AddCallback(const std::string& name, const std::string& help,
                                  const std::string& type, const MetricLabels& labels,
                                  std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  bool created = false;
  Series* s = FindOrAdd(name, help, type, labels, &created);
  s->callback = std::move(read);
}

void MetricsRegistry::RenderFamily(const std::string& name, const Family& family,
                                   std::string* out) {
  *out +=
      fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(family.help), name, family.type);
  for (const auto& s : family.series) {
    if (s->counter) {
      *out += fmt::format("{}{} {}\n", name, RenderLabels(s->labels), s->counter->value());
    } else if (s->gauge) {
      *out +=
          fmt::format("{}{} {}\n", name, RenderLabels(s->labels), FormatValue(s->gauge->value()));
    } else if (s->callback) {
      *out += fmt::format("{}{} {}\n", name, RenderLabels(s->labels), FormatValue(s->callback()));
    } else if (s->histogram) {
      const Histogram& h = *s->histogram;
      int64_t cumulative = 0;
      for (size_t i = 0; i <= h.bounds().size(); ++i) {
        cumulative += h.bucket_count(i);
        std::string le = i < h.bounds().size() ? FormatValue(h.bounds()[i]) : "+Inf";
        *out += fmt::format("{}_bucket{} {}\n", name, RenderLabels(s->labels, "le=\"" + le + "\""),
                            cumulative);
      }
      *out += fmt::format("{}_sum{} {}\n", name, RenderLabels(s->labels), FormatValue(h.sum()));
      *out += fmt::format("{}_count{} {}\n", name, RenderLabels(s->labels), h.count());
    }
  }
}

int MetricsRegistry::AddCollector(std::function<void()> collect) {
  std::lock_guard<std::mutex> lock(collectors_mu_);
  collectors_[next_collector_] = std::move(collect);
  return next_collector_++;
}

void MetricsRegistry::RemoveCollector(int id) {
  std::lock_guard<std::mutex> lock(collectors_mu_);
  collectors_.erase(id);
}

std::string MetricsRegistry::RenderPrometheus() const {
  {
    std::lock_guard<std::mutex> collecting(collectors_mu_);
    for (const auto& [id, collect] : collectors_) collect();
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) RenderFamily(name, family, &out);
  return out;
}

}  // namespace sluice
