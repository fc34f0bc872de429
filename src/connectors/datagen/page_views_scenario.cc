#include "connectors/datagen/page_views_scenario.h"

#include <fmt/format.h>

#include <array>

#include "common/civil_time.h"

namespace sluice::connectors {
namespace {

enum class PageViewsField { kLink, kMethod, kRequest, kFootprintTime, kTs, kUserId };

constexpr std::array<EventScenario::FieldSpec, 6> kPageViewsFields = {{
    {"link", EventScenario::Kind::kString},
    {"method", EventScenario::Kind::kString},
    {"request", EventScenario::Kind::kString},  // the method, under the sink tables' name
    {"footprint_time", EventScenario::Kind::kTime},
    {"ts", EventScenario::Kind::kTime},
    {"user_id", EventScenario::Kind::kString},
}};

// "/products/" stands for "/products/<id>"; "/api/cart/" for "/api/cart/<id>".
constexpr std::array<PageViewsScenario::Page, 9> kPages = {{
    {"/", 0.22, 0.0},
    {"/products", 0.12, 0.0},
    {"/products/", 0.34, 0.0},
    {"/search", 0.10, 0.0},
    {"/login", 0.05, 0.5},
    {"/cart", 0.08, 0.4},
    {"/api/cart/", 0.04, 0.0},
    {"/checkout", 0.03, 0.6},
    {"/mypage", 0.02, 0.0},
}};

constexpr int64_t kProducts = 200;
constexpr int64_t kHotProducts = 10;
constexpr int64_t kOffsetMs = 9 * 3600 * 1000;  // +09:00

}  // namespace

std::span<const PageViewsScenario::Page> PageViewsScenario::Pages() { return kPages; }

std::span<const EventScenario::FieldSpec> PageViewsScenario::fields() const {
  return kPageViewsFields;
}

std::string_view PageViewsScenario::PickMethod(const Page& page) {
  if (page.path == "/api/cart/") return Uniform() < 0.7 ? "PUT" : "DELETE";
  return Uniform() < page.post_share ? "POST" : "GET";
}

void PageViewsScenario::Next(int64_t time_ms) {
  double d = Uniform();
  size_t i = 0;
  while (i + 1 < kPages.size() && d >= kPages[i].weight) d -= kPages[i++].weight;
  const Page& page = kPages[i];
  event_.link = std::string(page.path);
  if (page.path.back() == '/' && page.path.size() > 1) {
    int64_t id = Uniform() < 0.5 ? UniformInt(1, kHotProducts) : UniformInt(1, kProducts);
    event_.link += std::to_string(id);
  }
  event_.method = PickMethod(page);
  event_.user = UniformInt(1, 5000);
  event_.number += 1;
  event_.ts_ms = Disordered(time_ms, kMaxDisorderMs);
}

std::string PageViewsScenario::ToJson() const {
  // Local time at +09:00, as the middleware writes it.
  std::string local = FormatTimestamp(event_.ts_ms + kOffsetMs);
  local[10] = 'T';
  return fmt::format(R"({{"link":"{}","method":"{}","footprint_time":"{}+09:00","user_id":"u{}"}})",
                     event_.link, event_.method, local, event_.user);
}

void PageViewsScenario::Append(int field, Column* out) const {
  switch (static_cast<PageViewsField>(field)) {
    case PageViewsField::kLink:
      return out->AppendStringView(event_.link);
    case PageViewsField::kMethod:
    case PageViewsField::kRequest:
      return out->AppendStringView(event_.method);
    case PageViewsField::kUserId:
      return out->AppendString(fmt::format("u{}", event_.user));
    default:
      return out->AppendInt(event_.ts_ms);
  }
}

}  // namespace sluice::connectors
