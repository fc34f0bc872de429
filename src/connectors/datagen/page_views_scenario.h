#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/datagen/event_scenario.h"

namespace sluice::connectors {

/// One event of the 'page-views' scenario (the pageviews pipeline's web footprints).
struct PageView {
  int64_t number = 0;       // 1, 2, 3, ... in emission order
  int64_t ts_ms = 0;        // event time, epoch millis
  int64_t user = 0;         // user_id is "u<user>"
  std::string link;         // e.g. "/products/42"
  std::string_view method;  // GET, POST, PUT, DELETE
};

/// The 'page-views' scenario: what a web site's middleware reports for each request. Pages are
/// drawn from a fixed site map by weight (PageWeights: "/" and product pages most, "/checkout"
/// least); a product page names one of 200 products, the first ten of them hot (half of all
/// product views). Methods follow the page: forms (/login, /cart, /checkout) are POST with their
/// PostShare, /api/cart items PUT or DELETE, everything else GET. `footprint_time` in the JSON is
/// ISO-8601 with the +09:00 offset the middleware writes (the table's TIMESTAMP holds it in UTC);
/// event times are the nominal time moved up to kMaxDisorderMs into the past.
/// Lifecycle and threading: as EventScenario.
class PageViewsScenario : public EventScenario {
 public:
  static constexpr int64_t kMaxDisorderMs = 2000;

  /// A page of the site map with its share of views and of POST requests.
  struct Page {
    std::string_view path;
    double weight;
    double post_share;
  };

  explicit PageViewsScenario(uint64_t seed) : EventScenario(seed) {}

  /// Returns the site map.
  static std::span<const Page> Pages();

  void Next(int64_t time_ms) override;
  std::string ToJson() const override;
  void Append(int field, Column* out) const override;

  /// Returns the current event.
  const PageView& event() const { return event_; }

 protected:
  std::string_view name() const override { return "page-views"; }
  std::span<const FieldSpec> fields() const override;

 private:
  std::string_view PickMethod(const Page& page);

  PageView event_;
};

}  // namespace sluice::connectors
