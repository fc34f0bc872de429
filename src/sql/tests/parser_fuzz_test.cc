#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "sql/parser.h"

namespace sluice::sql {
namespace {

const char* const kSeedScripts[] = {
    R"sql(SET 'pipeline.name' = 'orders';
CREATE TEMPORARY TABLE orders (
  order_id BIGINT NOT NULL, symbol STRING, quantity INT, price DECIMAL(10, 2),
  `timestamp` TIMESTAMP(3), total AS quantity * price,
  part INT METADATA FROM 'partition' VIRTUAL,
  WATERMARK FOR `timestamp` AS `timestamp` - INTERVAL '2' SECOND,
  PRIMARY KEY (order_id) NOT ENFORCED
) WITH ('connector' = 'kafka', 'topic' = 'orders', 'url' = '${URL:-x}');
INSERT INTO agg (symbol, n)
SELECT symbol, window_start, COUNT(*) FILTER (WHERE quantity > 10) AS n, SUM(total)
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(`timestamp`), INTERVAL '5' MINUTES))
GROUP BY symbol, window_start, window_end HAVING COUNT(*) > 1;)sql",
    R"sql(CREATE VIEW v AS SELECT DISTINCT a, CASE WHEN b IS NULL THEN 'x' ELSE b || 'y' END c
FROM (SELECT a, b FROM t WHERE a NOT IN (1, 2) AND b LIKE 'p%') s
UNION ALL (SELECT a, CAST(b AS STRING) FROM u WHERE a BETWEEN -1 AND 2.5e3);
EXPLAIN PLAN FOR SELECT TIMESTAMPDIFF(SECOND, a, b), SUBSTRING(s FROM 2 FOR 3), TRIM(s),
  CURRENT_TIMESTAMP, TRY_CAST(x AS BIGINT) FROM TABLE(HOP(DATA => TABLE t,
  TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '1' MINUTE, SIZE => INTERVAL '1' HOUR)) /* c */
-- trailing comment
)sql",
};

// Fragments that are likely to make a mutation interesting.
const char* const kFragments[] = {
    "(",
    ")",
    ",",
    ";",
    "'",
    "`",
    "--",
    "/*",
    "*/",
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "NOT",
    "IN",
    "CASE",
    "END",
    "TABLE",
    "(SELECT 1)",
    "INTERVAL",
    "'5'",
    "SECOND",
    "=>",
    "TIMESTAMP",
    "NULL",
    "1e",
    ".",
    "*",
    "DECIMAL(19, 2)",
    "\n",
    " ",
    "é",
    "#",
    "UNION",
    "ALL",
    "AS",
    "value",
};

std::string Mutate(const std::string& base, std::mt19937& rng) {
  std::string s = base;
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    size_t at = rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:  // delete a run of characters
        s.erase(at, 1 + rng() % 12);
        break;
      case 1:  // insert a fragment
        s.insert(at, kFragments[rng() % std::size(kFragments)]);
        break;
      case 2:  // insert a random byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng() % 256));
        break;
      case 3:  // truncate
        s.resize(at);
        break;
      default: {  // duplicate a slice somewhere else
        size_t from = rng() % s.size();
        std::string slice = s.substr(from, 1 + rng() % 30);
        s.insert(rng() % (s.size() + 1), slice);
        break;
      }
    }
  }
  return s;
}

TEST(ParserFuzzTest, MutatedScriptsParseOrFailWithAPositionedError) {
  std::mt19937 rng(20240601);
  const std::regex first_line(R"(^fuzz\.sql:[0-9]+:[0-9]+: expected .+, found .+)");
  int parsed = 0;
  int failed = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string base = kSeedScripts[i % std::size(kSeedScripts)];
    const std::string text = Mutate(base, rng);
    auto result = ParseScript(text, "fuzz.sql");
    if (result.ok()) {
      ++parsed;
      EXPECT_EQ(result->text, text);
      continue;
    }
    ++failed;
    const Status& status = result.status();
    ASSERT_EQ(status.code(), StatusCode::kParseError) << text;
    const std::string& message = status.message();
    // Three lines: the located message, the source line, the caret line.
    size_t nl1 = message.find('\n');
    ASSERT_NE(nl1, std::string::npos) << message;
    size_t nl2 = message.find('\n', nl1 + 1);
    ASSERT_NE(nl2, std::string::npos) << message;
    EXPECT_TRUE(std::regex_search(message.substr(0, nl1), first_line)) << message;
    std::string caret = message.substr(nl2 + 1);
    ASSERT_FALSE(caret.empty()) << message;
    EXPECT_EQ(caret.back(), '^') << message;
    EXPECT_EQ(caret.find_first_not_of(" \t"), caret.size() - 1) << message;
  }
  // Both outcomes must occur, or the mutations are not exercising the parser.
  EXPECT_GT(parsed, 50);
  EXPECT_GT(failed, 1000);
}

TEST(ParserFuzzTest, SeedScriptsParse) {
  for (const char* script : kSeedScripts) {
    auto result = ParseScript(script, "seed.sql");
    EXPECT_TRUE(result.ok()) << result.status().message();
  }
}

}  // namespace
}  // namespace sluice::sql
