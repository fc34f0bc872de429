#include "connectors/nexmark/nexmark_source.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "types/value.h"

namespace sluice::connectors {
namespace {

using Options = std::map<std::string, std::string>;

constexpr int64_t kBase = 1'436'918'400'000;  // the default base time

Schema TableSchema(NexmarkTable table) {
  std::vector<Field> fields;
  for (const auto& f : NexmarkGenerator::Fields(table)) {
    LogicalType type = f.kind == NexmarkGenerator::ValueKind::kBigInt   ? LogicalType::BigInt()
                       : f.kind == NexmarkGenerator::ValueKind::kString ? LogicalType::String()
                                                                        : LogicalType::Timestamp(3);
    fields.push_back({f.name, type});
  }
  return Schema(fields);
}

// One event per millisecond, so an event's number is its dateTime minus the base time.
Options Base(const std::string& table, int64_t events) {
  return {{"connector", "nexmark"},
          {"table", table},
          {"events.num", std::to_string(events)},
          {"first-event.rate", "1000"}};
}

std::unique_ptr<NexmarkSource> Make(const Options& options, const Schema& projection) {
  NexmarkTable table = options.at("table") == "person"    ? NexmarkTable::kPerson
                       : options.at("table") == "auction" ? NexmarkTable::kAuction
                                                          : NexmarkTable::kBid;
  auto s =
      NexmarkSource::Create(options, "t", std::make_shared<Schema>(projection), TableSchema(table));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  EXPECT_TRUE((*s)->Open().ok());
  return std::move(s).value();
}

std::unique_ptr<NexmarkSource> MakeFull(const Options& options) {
  NexmarkTable table = options.at("table") == "person"    ? NexmarkTable::kPerson
                       : options.at("table") == "auction" ? NexmarkTable::kAuction
                                                          : NexmarkTable::kBid;
  return Make(options, TableSchema(table));
}

// Every row of every batch until the source is finished, as values by column name.
struct Rows {
  std::vector<std::string> names;
  std::vector<std::vector<Value>> rows;
  size_t batches = 0;
  const Value& at(size_t row, const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return rows[row][i];
    }
    ADD_FAILURE() << "no column " << name;
    return rows[row][0];
  }
  int64_t Int(size_t row, const std::string& name) const { return at(row, name).as_int(); }
  std::string Str(size_t row, const std::string& name) const { return at(row, name).as_string(); }
};

Rows ReadAll(NexmarkSource* source, size_t batch_rows = 1000) {
  Rows out;
  while (!source->Finished()) {
    auto polled = source->Poll(batch_rows);
    EXPECT_TRUE(polled.ok()) << polled.status().ToString();
    if (!polled.ok() || !polled->has_value()) break;
    const Batch& b = *(*polled)->batch;
    if (out.names.empty()) {
      for (const auto& f : b.schema->fields()) out.names.push_back(f.name);
    }
    EXPECT_LE(b.num_rows, batch_rows);
    for (size_t r = 0; r < b.num_rows; ++r) {
      std::vector<Value> row;
      for (size_t c = 0; c < b.columns.size(); ++c)
        row.push_back(Value::FromColumn(b.column(c), r));
      out.rows.push_back(std::move(row));
    }
    ++out.batches;
  }
  return out;
}

TEST(NexmarkSourceTest, ProportionsArePersonAuctionBidOneToThreeToFortySix) {
  const int64_t events = 50'000;
  Rows persons = ReadAll(MakeFull(Base("person", events)).get());
  Rows auctions = ReadAll(MakeFull(Base("auction", events)).get());
  Rows bids = ReadAll(MakeFull(Base("bid", events)).get());
  EXPECT_EQ(persons.rows.size(), 1000u);
  EXPECT_EQ(auctions.rows.size(), 3000u);
  EXPECT_EQ(bids.rows.size(), 46'000u);
  // Every event number appears in exactly one table, at its place in each epoch of 50.
  std::set<int64_t> seen;
  for (const Rows* t : {&persons, &auctions, &bids}) {
    for (size_t r = 0; r < t->rows.size(); ++r) {
      int64_t n = t->Int(r, "dateTime") - kBase;
      EXPECT_TRUE(seen.insert(n).second) << n;
      int64_t offset = n % 50;
      if (t == &persons) {
        EXPECT_EQ(offset, 0);
      } else if (t == &auctions) {
        EXPECT_TRUE(offset >= 1 && offset <= 3) << offset;
      } else {
        EXPECT_GE(offset, 4);
      }
    }
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), events);
}

TEST(NexmarkSourceTest, PersonAndAuctionIdsCountUpFromOneThousand) {
  Rows persons = ReadAll(MakeFull(Base("person", 10'000)).get());
  for (size_t r = 0; r < persons.rows.size(); ++r) {
    EXPECT_EQ(persons.Int(r, "id"), 1000 + static_cast<int64_t>(r));
    EXPECT_EQ(persons.Str(r, "creditCard").size(), 19u);
    std::string email = persons.Str(r, "emailAddress");
    EXPECT_NE(email.find('@'), std::string::npos) << email;
    EXPECT_EQ(email.substr(email.size() - 4), ".com") << email;
    EXPECT_NE(persons.Str(r, "name").find(' '), std::string::npos);
  }
  Rows auctions = ReadAll(MakeFull(Base("auction", 10'000)).get());
  for (size_t r = 0; r < auctions.rows.size(); ++r) {
    EXPECT_EQ(auctions.Int(r, "id"), 1000 + static_cast<int64_t>(r));
    EXPECT_GT(auctions.Int(r, "expires"), auctions.Int(r, "dateTime"));
    EXPECT_GT(auctions.Int(r, "reserve"), auctions.Int(r, "initialBid"));
    EXPECT_GE(auctions.Int(r, "category"), 10);
    EXPECT_LE(auctions.Int(r, "category"), 14);
    int64_t n = auctions.Int(r, "dateTime") - kBase;
    int64_t newest_person = 1000 + n / 50;  // the person of this epoch exists already
    EXPECT_GE(auctions.Int(r, "seller"), 1000);
    EXPECT_LE(auctions.Int(r, "seller"), newest_person + 10);
    EXPECT_LE(auctions.Str(r, "itemName").size(), 20u);
    EXPECT_LE(auctions.Str(r, "description").size(), 100u);
  }
}

TEST(NexmarkSourceTest, BidsNameRecentAuctionsAndPeopleWithHotOnes) {
  Rows bids = ReadAll(MakeFull(Base("bid", 100'000)).get());
  size_t hot_auction = 0, hot_bidder = 0, hot_channel = 0;
  for (size_t r = 0; r < bids.rows.size(); ++r) {
    int64_t n = bids.Int(r, "dateTime") - kBase;
    int64_t newest_auction = 1000 + (n / 50) * 3 + 2;  // every auction of the epoch precedes a bid
    int64_t newest_person = 1000 + n / 50;
    int64_t auction = bids.Int(r, "auction");
    int64_t bidder = bids.Int(r, "bidder");
    EXPECT_GE(auction, std::max<int64_t>(1000, newest_auction - 100)) << n;
    EXPECT_LE(auction, newest_auction + 10) << n;
    EXPECT_LE(bidder, newest_person + 10) << n;
    EXPECT_GE(bidder, std::max<int64_t>(1000, newest_person - 1000 + 1)) << n;
    if (auction == 1000 + (newest_auction - 1000) / 100 * 100) ++hot_auction;
    if (bidder == 1000 + (newest_person - 1000) / 100 * 100 + 1) ++hot_bidder;
    EXPECT_GT(bids.Int(r, "price"), 0);
    std::string channel = bids.Str(r, "channel");
    std::string url = bids.Str(r, "url");
    EXPECT_EQ(url.rfind("https://www.nexmark.com/", 0), 0u) << url;
    if (channel.rfind("channel-", 0) != 0) {
      ++hot_channel;
      EXPECT_TRUE(channel == "Google" || channel == "Facebook" || channel == "Baidu" ||
                  channel == "Apple")
          << channel;
    }
    size_t extra = bids.Str(r, "extra").size();  // 100 - 32 bytes, +-20 %
    EXPECT_GE(extra, 54u);
    EXPECT_LT(extra, 82u);
  }
  double total = static_cast<double>(bids.rows.size());
  // Hot with probability 1 - 1/ratio (2 and 4), plus the random picks that land there.
  EXPECT_NEAR(hot_auction / total, 0.5, 0.03);
  EXPECT_NEAR(hot_bidder / total, 0.75, 0.03);
  EXPECT_NEAR(hot_channel / total, 0.5, 0.03);
}

TEST(NexmarkSourceTest, EventTimeAdvancesByTheInterEventDelayInOrder) {
  Options options = Base("bid", 20'000);
  options["first-event.rate"] = "4000";  // 4 events per millisecond
  options["base-time"] = "2024-01-01 00:00:00";
  Rows bids = ReadAll(MakeFull(options).get(), 777);
  ASSERT_FALSE(bids.rows.empty());
  EXPECT_GT(bids.batches, 10u);
  int64_t previous = 0;
  for (size_t r = 0; r < bids.rows.size(); ++r) {
    int64_t t = bids.Int(r, "dateTime");
    EXPECT_GE(t, previous);
    previous = t;
  }
  const int64_t start = 1'704'067'200'000;
  EXPECT_EQ(bids.Int(0, "dateTime"), start + 4 / 4);  // event 4 is the first bid
  EXPECT_EQ(previous, start + 19'999 / 4);
}

TEST(NexmarkSourceTest, SameSeedSameRowsWhateverTheBatchesAndColumns) {
  Rows a = ReadAll(MakeFull(Base("bid", 5000)).get(), 100);
  Rows b = ReadAll(MakeFull(Base("bid", 5000)).get(), 4096);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r) {
    for (size_t c = 0; c < a.names.size(); ++c) {
      ASSERT_EQ(a.rows[r][c].ToString(), b.rows[r][c].ToString()) << r << " " << a.names[c];
    }
  }
  // Reading two columns in another order gives the same values.
  Schema projection(
      std::vector<Field>{{"price", LogicalType::BigInt()}, {"auction", LogicalType::BigInt()}});
  Rows p = ReadAll(Make(Base("bid", 5000), projection).get());
  ASSERT_EQ(p.rows.size(), a.rows.size());
  for (size_t r = 0; r < a.rows.size(); ++r) {
    ASSERT_EQ(p.Int(r, "price"), a.Int(r, "price"));
    ASSERT_EQ(p.Int(r, "auction"), a.Int(r, "auction"));
  }
  Options other = Base("bid", 5000);
  other["seed"] = "7";
  Rows o = ReadAll(MakeFull(other).get());
  size_t same_price = 0;
  for (size_t r = 0; r < a.rows.size(); ++r) same_price += o.Int(r, "price") == a.Int(r, "price");
  EXPECT_LT(same_price, a.rows.size() / 10);
}

TEST(NexmarkSourceTest, ReadUntilRegeneratesALoggedBatch) {
  auto live = MakeFull(Base("auction", 3000));
  auto first = live->Poll(50);
  auto second = live->Poll(50);
  ASSERT_TRUE(first.ok() && first->has_value() && second.ok() && second->has_value());
  auto replay = MakeFull(Base("auction", 3000));
  ASSERT_TRUE(replay->SeekTo(SplitId(0), (*first)->end_position).ok());
  auto again = replay->ReadUntil(SplitId(0), (*second)->end_position);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  const Batch& x = *(*second)->batch;
  const Batch& y = *again->batch;
  ASSERT_EQ(x.num_rows, 50u);
  ASSERT_EQ(y.num_rows, x.num_rows);
  for (size_t r = 0; r < x.num_rows; ++r) {
    for (size_t c = 0; c < x.columns.size(); ++c) {
      ASSERT_EQ(Value::FromColumn(x.column(c), r).ToString(),
                Value::FromColumn(y.column(c), r).ToString());
    }
  }
  EXPECT_FALSE(replay->ReadUntil(SplitId(0), "10").ok());    // behind the position
  EXPECT_FALSE(replay->ReadUntil(SplitId(0), "3001").ok());  // past events.num
}

TEST(NexmarkSourceTest, BadOptionsAndColumnsAreNamed) {
  auto error = [](const Options& options, const Schema& schema) {
    auto s = NexmarkSource::Create(options, "t", std::make_shared<Schema>(schema), schema);
    return s.ok() ? std::string() : s.status().message();
  };
  const Schema bid = TableSchema(NexmarkTable::kBid);
  Options unknown = Base("bid", 10);
  unknown["rows-per-second"] = "5";
  EXPECT_NE(error(unknown, bid).find("no option 'rows-per-second'"), std::string::npos);
  Options rates = Base("bid", 10);
  rates["next-event.rate"] = "5";
  EXPECT_NE(error(rates, bid).find("'next-event.rate' must equal"), std::string::npos);
  Options table = Base("bids", 10);
  EXPECT_NE(error(table, bid).find("'person', 'auction' or 'bid'"), std::string::npos);
  Schema wrong_type(std::vector<Field>{{"price", LogicalType::Double()}});
  EXPECT_NE(error(Base("bid", 10), wrong_type)
                .find("column 'price' of a nexmark 'bid' table "
                      "must be BIGINT"),
            std::string::npos);
  Schema unknown_column(std::vector<Field>{{"seller", LogicalType::BigInt()}});
  EXPECT_NE(error(Base("bid", 10), unknown_column).find("has no column 'seller'; it has auction"),
            std::string::npos);
  Options size = Base("bid", 10);
  size["bid.avg-size"] = "lots";
  EXPECT_NE(error(size, bid).find("'bid.avg-size' = 'lots'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::connectors
