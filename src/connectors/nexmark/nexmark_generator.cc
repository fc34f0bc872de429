#include "connectors/nexmark/nexmark_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sluice::connectors {
namespace {

using ValueKind = NexmarkGenerator::ValueKind;

// The random stream of each value (EventRandom's third seed).
enum Stream : uint64_t {
  kName = 1,
  kEmail,
  kCreditCard,
  kCity,
  kState,
  kExtra,
  kItemName,
  kDescription,
  kInitialBid,
  kReserve,
  kExpires,
  kSeller,
  kCategory,
  kAuctionPick,
  kBidderPick,
  kPrice,
  kChannel,
  kPool,
  kChannelUrl,
};

constexpr int64_t kPoolWindows = int64_t{1} << 16;  // distinct window starts in a pool
constexpr int64_t kMinStringLength = 3;
constexpr int64_t kNumChannels = 10'000;
constexpr int64_t kHotChannelsRatio = 2;

constexpr std::string_view kStates[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::string_view kCities[] = {"Phoenix",  "Los Angeles", "San Francisco", "Boise",
                                        "Portland", "Bend",        "Redmond",       "Seattle",
                                        "Kent",     "Cheyenne"};
constexpr std::string_view kFirstNames[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                            "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::string_view kLastNames[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                           "Walton", "Smith",  "Jones",   "Noris"};
constexpr std::string_view kHotChannels[] = {"Google", "Facebook", "Baidu", "Apple"};

template <size_t N>
std::string_view Pick(const std::string_view (&values)[N], EventRandom& r) {
  return values[r.Below(static_cast<int64_t>(N))];
}

}  // namespace

const std::vector<NexmarkGenerator::FieldInfo>& NexmarkGenerator::Fields(NexmarkTable table) {
  static const std::vector<FieldInfo> person = {
      {"id", ValueKind::kBigInt},           {"name", ValueKind::kString},
      {"emailAddress", ValueKind::kString}, {"creditCard", ValueKind::kString},
      {"city", ValueKind::kString},         {"state", ValueKind::kString},
      {"dateTime", ValueKind::kTimestamp},  {"extra", ValueKind::kString}};
  static const std::vector<FieldInfo> auction = {
      {"id", ValueKind::kBigInt},          {"itemName", ValueKind::kString},
      {"description", ValueKind::kString}, {"initialBid", ValueKind::kBigInt},
      {"reserve", ValueKind::kBigInt},     {"dateTime", ValueKind::kTimestamp},
      {"expires", ValueKind::kTimestamp},  {"seller", ValueKind::kBigInt},
      {"category", ValueKind::kBigInt},    {"extra", ValueKind::kString}};
  static const std::vector<FieldInfo> bid = {
      {"auction", ValueKind::kBigInt}, {"bidder", ValueKind::kBigInt},
      {"price", ValueKind::kBigInt},   {"channel", ValueKind::kString},
      {"url", ValueKind::kString},     {"dateTime", ValueKind::kTimestamp},
      {"extra", ValueKind::kString}};
  switch (table) {
    case NexmarkTable::kPerson:
      return person;
    case NexmarkTable::kAuction:
      return auction;
    case NexmarkTable::kBid:
      return bid;
  }
  return bid;
}

NexmarkGenerator::NexmarkGenerator(const NexmarkConfig& config)
    : config_(config), arena_(std::make_shared<StringArena>()) {
  BuildPools();
  BuildChannels();
}

std::string_view NexmarkGenerator::Store(std::string_view s) { return arena_->Add(s); }

void NexmarkGenerator::BuildPools() {
  const int64_t longest =
      std::max({config_.person_avg_size, config_.auction_avg_size, config_.bid_avg_size, 100L});
  const int64_t size = kPoolWindows + 2 * longest;
  char* letters = arena_->Allocate(static_cast<size_t>(size));
  char* text = arena_->Allocate(static_cast<size_t>(size));
  EventRandom r(config_.seed, 0, kPool);
  for (int64_t i = 0; i < size; ++i) {
    letters[i] = static_cast<char>('a' + r.Below(26));
    text[i] = r.Below(13) == 0 ? ' ' : static_cast<char>('a' + r.Below(26));
  }
  letters_ = std::string_view(letters, static_cast<size_t>(size));
  text_ = std::string_view(text, static_cast<size_t>(size));
  for (std::string_view first : kFirstNames) {
    for (std::string_view last : kLastNames) {
      person_names_.push_back(Store(fmt::format("{} {}", first, last)));
    }
  }
}

// "https://www.nexmark.com/<a>/<b>/<c>/item.htm?query=1" with three random parts of up to 5
// characters ('_' where a name would have a space).
void NexmarkGenerator::BuildChannels() {
  auto base_url = [this](EventRandom& r) {
    std::string url = "https://www.nexmark.com/";
    for (int part = 0; part < 3; ++part) {
      std::string s(NextString(r, 5));
      std::replace(s.begin(), s.end(), ' ', '_');
      url += s + "/";
    }
    return url + "item.htm?query=1";
  };
  for (int64_t i = 0; i < 4; ++i) {
    EventRandom r(config_.seed, -1 - i, kChannelUrl);
    hot_channels_.push_back({kHotChannels[i], Store(base_url(r))});
  }
  for (int64_t c = 0; c < kNumChannels; ++c) {
    EventRandom r(config_.seed, c, kChannelUrl);
    std::string url = base_url(r);
    if (r.Below(10) > 0) {
      uint32_t v = static_cast<uint32_t>(c), reversed = 0;
      for (int bit = 0; bit < 32; ++bit) reversed |= ((v >> bit) & 1u) << (31 - bit);
      url += fmt::format("&channel_id={}", std::llabs(static_cast<int32_t>(reversed)));
    }
    channels_.push_back({Store(fmt::format("channel-{}", c)), Store(url)});
  }
}

std::string_view NexmarkGenerator::PoolWindow(std::string_view pool, EventRandom& r,
                                              int64_t length) const {
  return pool.substr(static_cast<size_t>(r.Below(kPoolWindows)), static_cast<size_t>(length));
}

std::string_view NexmarkGenerator::NextString(EventRandom& r, int64_t max_length) const {
  const int64_t length = kMinStringLength + r.Below(max_length - kMinStringLength);
  std::string_view s = PoolWindow(text_, r, length);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string_view NexmarkGenerator::NextExtra(EventRandom& r, int64_t current_size,
                                             int64_t average_size) const {
  if (current_size > average_size) return {};
  const int64_t desired = average_size - current_size;
  const int64_t delta = std::llround(static_cast<double>(desired) * 0.2);
  const int64_t length = desired - delta + (delta == 0 ? 0 : r.Below(2 * delta));
  return PoolWindow(letters_, r, length);
}

int64_t NexmarkGenerator::NextBase0PersonId(int64_t n, EventRandom& r) const {
  const int64_t num_people = config_.LastBase0PersonId(n) + 1;
  const int64_t active = std::min(num_people, NexmarkConfig::kNumActivePeople);
  return num_people - active + r.Below(active + NexmarkConfig::kIdLead);
}

int64_t NexmarkGenerator::NextBase0AuctionId(int64_t n, EventRandom& r) const {
  const int64_t last = config_.LastBase0AuctionId(n);
  const int64_t first = std::max<int64_t>(last - NexmarkConfig::kNumInFlightAuctions, 0);
  return first + r.Below(last - first + 1 + NexmarkConfig::kIdLead);
}

// round(10^(6u) * 100) for u uniform in [0, 1), as 2^(6u log2 10): exp2 costs a third of pow.
int64_t NexmarkGenerator::NextPrice(EventRandom& r) const {
  constexpr double kSixLog2Of10 = 6.0 * 3.32192809488736234787;
  return static_cast<int64_t>(std::exp2(r.Unit() * kSixLog2Of10) * 100.0 + 0.5);
}

// A length averaging the time until kNumInFlightAuctions more auctions have been created.
int64_t NexmarkGenerator::AuctionLengthMs(int64_t n, EventRandom& r) const {
  const int64_t events_ahead =
      NexmarkConfig::kNumInFlightAuctions * config_.total_proportion() / config_.auction_proportion;
  const int64_t horizon = config_.TimestampOf(n + events_ahead) - config_.TimestampOf(n);
  return 1 + r.Below(std::max<int64_t>(horizon * 2, 1));
}

template <typename AppendOne>
NexmarkGenerator::Range NexmarkGenerator::ForEachEvent(int64_t first, int64_t end, size_t max_rows,
                                                       AppendOne append_one) const {
  const int64_t total = config_.total_proportion();
  int64_t lo = 0, hi = config_.person_proportion;  // offsets of the table's events in an epoch
  if (config_.table == NexmarkTable::kAuction) {
    lo = hi;
    hi += config_.auction_proportion;
  } else if (config_.table == NexmarkTable::kBid) {
    lo = config_.person_proportion + config_.auction_proportion;
    hi = total;
  }
  int64_t n = first;
  int64_t offset = n % total;
  size_t rows = 0;
  while (rows < max_rows) {
    if (offset < lo) {
      n += lo - offset;
      offset = lo;
    } else if (offset >= hi) {
      n += total - offset + lo;
      offset = lo;
    }
    if (n >= end) return {end, rows};
    append_one(n);
    ++rows;
    ++n;
    ++offset;
  }
  return {n, rows};
}

NexmarkGenerator::Range NexmarkGenerator::Append(int64_t first, int64_t end, size_t max_rows,
                                                 const std::vector<Column*>& out) const {
  const auto& fields = Fields(config_.table);
  for (size_t f = 0; f < out.size(); ++f) {
    if (out[f] == nullptr) continue;
    out[f]->Reserve(out[f]->size() + std::min<size_t>(max_rows, 1 << 16));
    if (fields[f].kind == ValueKind::kString) out[f]->KeepAlive(arena_);
  }
  Column* const* cols = out.data();
  switch (config_.table) {
    case NexmarkTable::kPerson:
      return ForEachEvent(first, end, max_rows, [&](int64_t n) { AppendPerson(n, cols); });
    case NexmarkTable::kAuction:
      return ForEachEvent(first, end, max_rows, [&](int64_t n) { AppendAuction(n, cols); });
    case NexmarkTable::kBid:
      break;
  }
  return ForEachEvent(first, end, max_rows, [&](int64_t n) { AppendBid(n, cols); });
}

void NexmarkGenerator::AppendPerson(int64_t n, Column* const* out) const {
  const uint64_t seed = config_.seed;
  if (out[0]) out[0]->AppendInt(config_.LastBase0PersonId(n) + NexmarkConfig::kFirstPersonId);
  EventRandom name_random(seed, n, kName);
  const std::string_view name =
      person_names_[name_random.Below(static_cast<int64_t>(person_names_.size()))];
  if (out[1]) out[1]->AppendStringView(name);
  EventRandom email_random(seed, n, kEmail);
  char email[32];
  const std::string_view user = NextString(email_random, 7);
  const std::string_view host = NextString(email_random, 5);
  const int email_size =
      std::snprintf(email, sizeof email, "%.*s@%.*s.com", static_cast<int>(user.size()),
                    user.data(), static_cast<int>(host.size()), host.data());
  if (out[2]) out[2]->AppendString(std::string_view(email, static_cast<size_t>(email_size)));
  EventRandom card_random(seed, n, kCreditCard);
  char card[24];
  const int card_size = std::snprintf(
      card, sizeof card, "%04d %04d %04d %04d", static_cast<int>(card_random.Below(10000)),
      static_cast<int>(card_random.Below(10000)), static_cast<int>(card_random.Below(10000)),
      static_cast<int>(card_random.Below(10000)));
  if (out[3]) out[3]->AppendString(std::string_view(card, static_cast<size_t>(card_size)));
  EventRandom city_random(seed, n, kCity);
  const std::string_view city = Pick(kCities, city_random);
  if (out[4]) out[4]->AppendStringView(city);
  EventRandom state_random(seed, n, kState);
  const std::string_view state = Pick(kStates, state_random);
  if (out[5]) out[5]->AppendStringView(state);
  if (out[6]) out[6]->AppendInt(config_.TimestampOf(n));
  if (out[7]) {
    EventRandom r(seed, n, kExtra);
    const int64_t size = 8 + static_cast<int64_t>(name.size()) + email_size + card_size +
                         static_cast<int64_t>(city.size() + state.size());
    out[7]->AppendStringView(NextExtra(r, size, config_.person_avg_size));
  }
}

void NexmarkGenerator::AppendAuction(int64_t n, Column* const* out) const {
  const uint64_t seed = config_.seed;
  if (out[0]) out[0]->AppendInt(config_.LastBase0AuctionId(n) + NexmarkConfig::kFirstAuctionId);
  EventRandom name_random(seed, n, kItemName);
  const std::string_view item_name = NextString(name_random, 20);
  if (out[1]) out[1]->AppendStringView(item_name);
  EventRandom description_random(seed, n, kDescription);
  const std::string_view description = NextString(description_random, 100);
  if (out[2]) out[2]->AppendStringView(description);
  EventRandom bid_random(seed, n, kInitialBid);
  const int64_t initial_bid = NextPrice(bid_random);
  if (out[3]) out[3]->AppendInt(initial_bid);
  if (out[4]) {
    EventRandom r(seed, n, kReserve);
    out[4]->AppendInt(initial_bid + NextPrice(r));
  }
  const int64_t timestamp = config_.TimestampOf(n);
  if (out[5]) out[5]->AppendInt(timestamp);
  if (out[6]) {
    EventRandom r(seed, n, kExpires);
    out[6]->AppendInt(timestamp + AuctionLengthMs(n, r));
  }
  if (out[7]) {
    EventRandom r(seed, n, kSeller);
    const int64_t seller =
        r.Below(config_.hot_sellers_ratio) > 0
            ? config_.LastBase0PersonId(n) / NexmarkConfig::kHotIdBlock * NexmarkConfig::kHotIdBlock
            : NextBase0PersonId(n, r);
    out[7]->AppendInt(seller + NexmarkConfig::kFirstPersonId);
  }
  if (out[8]) {
    EventRandom r(seed, n, kCategory);
    out[8]->AppendInt(NexmarkConfig::kFirstCategoryId + r.Below(NexmarkConfig::kNumCategories));
  }
  if (out[9]) {
    EventRandom r(seed, n, kExtra);
    const int64_t size =
        8 + static_cast<int64_t>(item_name.size() + description.size()) + 8 + 8 + 8 + 8 + 8;
    out[9]->AppendStringView(NextExtra(r, size, config_.auction_avg_size));
  }
}

void NexmarkGenerator::AppendBid(int64_t n, Column* const* out) const {
  const uint64_t seed = config_.seed;
  constexpr int64_t kBlock = NexmarkConfig::kHotIdBlock;
  if (out[0]) {
    EventRandom r(seed, n, kAuctionPick);
    const int64_t auction = r.Below(config_.hot_auction_ratio) > 0
                                ? config_.LastBase0AuctionId(n) / kBlock * kBlock
                                : NextBase0AuctionId(n, r);
    out[0]->AppendInt(auction + NexmarkConfig::kFirstAuctionId);
  }
  if (out[1]) {
    EventRandom r(seed, n, kBidderPick);
    const int64_t bidder = r.Below(config_.hot_bidders_ratio) > 0
                               ? config_.LastBase0PersonId(n) / kBlock * kBlock + 1
                               : NextBase0PersonId(n, r);
    out[1]->AppendInt(bidder + NexmarkConfig::kFirstPersonId);
  }
  if (out[2]) {
    EventRandom r(seed, n, kPrice);
    out[2]->AppendInt(NextPrice(r));
  }
  if (out[3] || out[4]) {
    EventRandom r(seed, n, kChannel);
    const bool hot = r.Below(kHotChannelsRatio) > 0;
    const int64_t k = hot ? r.Below(4) : r.Below(kNumChannels);
    const Channel& channel = hot ? hot_channels_[k] : channels_[k];
    if (out[3]) out[3]->AppendStringView(channel.name);
    if (out[4]) out[4]->AppendStringView(channel.url);
  }
  if (out[5]) out[5]->AppendInt(config_.TimestampOf(n));
  if (out[6]) {
    EventRandom r(seed, n, kExtra);
    out[6]->AppendStringView(NextExtra(r, 8 + 8 + 8 + 8, config_.bid_avg_size));
  }
}

}  // namespace sluice::connectors
