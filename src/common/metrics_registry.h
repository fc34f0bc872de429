#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sluice {

/// Label pairs of one series, in the order they are rendered (e.g. {{"pipeline", "orders"}}).
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing count. Increment is one relaxed atomic add: resolve the Counter*
/// once at set-up (MetricsRegistry::GetCounter) and keep it. Thread-safe.
class Counter {
 public:
  void Increment(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

/// A value that goes up and down. Set/Add are relaxed atomic operations. Thread-safe.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Counts observations into fixed buckets (upper bounds, inclusive, ascending; +Inf is implicit)
/// and keeps their sum. Observe is a few relaxed atomic operations. Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Returns the non-cumulative count of bucket `i` (i == bounds().size() is the +Inf bucket).
  int64_t bucket_count(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> counts_;
  std::atomic<int64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// Owns every metric of the process and renders them in the Prometheus text exposition format
/// (version 0.0.4). Series are created once (Get* returns the same object for the same name and
/// labels) and live as long as the registry. Thread-safe: registration and rendering take a mutex;
/// updates through the returned pointers take none.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Returns the counter `name`{labels}, creating it (and its family with `help`) when new.
  Counter* GetCounter(const std::string& name, const std::string& help,
                      const MetricLabels& labels = {});
  /// Returns the gauge `name`{labels}, creating it when new.
  Gauge* GetGauge(const std::string& name, const std::string& help,
                  const MetricLabels& labels = {});
  /// Returns the histogram `name`{labels}, creating it with `bounds` when new.
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& bounds, const MetricLabels& labels = {});
  /// Adds a series whose value `read` computes at every scrape (on the scraping thread), rendered
  /// with TYPE `type` ("gauge" or "counter"). `read` must be thread-safe.
  void AddCallback(const std::string& name, const std::string& help, const std::string& type,
                   const MetricLabels& labels, std::function<double()> read);

  /// Adds a function called at the start of every RenderPrometheus (on the scraping thread),
  /// e.g. to bring counters up to date from state another thread keeps; returns its id.
  int AddCollector(std::function<void()> collect);
  /// Removes collector `id`, waiting for a render that is running it to finish.
  void RemoveCollector(int id);

  /// Runs the collectors, then renders every family, sorted by name, series in creation order.
  std::string RenderPrometheus() const;

  /// Escapes a label value: backslash, double quote and newline.
  static std::string EscapeLabelValue(const std::string& value);

 private:
  struct Series {
    MetricLabels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> callback;
  };
  struct Family {
    std::string help;
    std::string type;
    std::vector<std::unique_ptr<Series>> series;
  };
  Series* FindOrAdd(const std::string& name, const std::string& help, const std::string& type,
                    const MetricLabels& labels, bool* created);
  static void RenderFamily(const std::string& name, const Family& family, std::string* out);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  mutable std::mutex collectors_mu_;  // held while collectors run; taken before mu_, never after
  std::map<int, std::function<void()>> collectors_;
  int next_collector_ = 0;
};

}  // namespace sluice
