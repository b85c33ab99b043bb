#include "core/pricing.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace cs {
namespace {

const PriceBook& Book() {
  static const Config c = Config::Defaults();
  return c.prices;
}

TEST(PriceBook, NormalisesProviderPrefixesDatesAndSuffixes) {
  EXPECT_EQ(PriceBook::NormaliseModel("claude-sonnet-4-5-20250929"), "claude-sonnet-4-5");
  EXPECT_EQ(PriceBook::NormaliseModel("anthropic/claude-opus-4-6"), "claude-opus-4-6");
  EXPECT_EQ(PriceBook::NormaliseModel("us.anthropic.claude-sonnet-4-20250514-v1:0"),
            "claude-sonnet-4");
  EXPECT_EQ(PriceBook::NormaliseModel("claude-sonnet-4-5@20250929"), "claude-sonnet-4-5");
  EXPECT_EQ(PriceBook::NormaliseModel("claude-opus-4-6[1m]"), "claude-opus-4-6");
  EXPECT_EQ(PriceBook::NormaliseModel("Claude-Haiku-4-5"), "claude-haiku-4-5");
}

TEST(PriceBook, LongestFamilyWinsOnDashBoundaries) {
  EXPECT_EQ(Book().Match("claude-opus-4-1-20250805")->family, "claude-opus-4-1");
  EXPECT_EQ(Book().Match("claude-opus-4-20250514")->family, "claude-opus-4");
  EXPECT_EQ(Book().Match("claude-sonnet-4-20250514")->family, "claude-sonnet-4");
  EXPECT_EQ(Book().Match("claude-sonnet-4-5-20250929")->family, "claude-sonnet-4-5");
  EXPECT_EQ(Book().Match("claude-3-5-haiku-20241022")->family, "claude-3-5-haiku");
  EXPECT_EQ(Book().Match("claude-opus-45"), nullptr);  // not "claude-opus-4"
  EXPECT_EQ(Book().Match("gpt-4o"), nullptr);
  EXPECT_EQ(Book().Match("<synthetic>"), nullptr);
}

TEST(PriceBook, StandardRequest) {
  Usage u;
  u.input_tokens = 1000;
  u.output_tokens = 2000;
  u.cache_read_tokens = 100000;
  u.cache_write_5m_tokens = 10000;
  u.cache_write_1h_tokens = 5000;
  // sonnet 4.5: 3 / 15 / 3.75 / 6 / 0.30 per million
  double want = (1000 * 3.0 + 2000 * 15.0 + 10000 * 3.75 + 5000 * 6.0 + 100000 * 0.30) / 1e6;
  EXPECT_NEAR(*Book().Cost("claude-sonnet-4-5-20250929", u), want, 1e-12);
}

TEST(PriceBook, LongContextPricesTheWholeRequest) {
  Usage u;
  u.input_tokens = 1000;
  u.cache_read_tokens = 199000;  // exactly 200k: standard
  u.output_tokens = 1000;
  double standard = (1000 * 3.0 + 199000 * 0.30 + 1000 * 15.0) / 1e6;
  EXPECT_NEAR(*Book().Cost("claude-sonnet-4-20250514", u), standard, 1e-12);
  u.cache_read_tokens = 199001;  // above the threshold: every token at the long-context rate
  double lc = (1000 * 6.0 + 199001 * 0.60 + 1000 * 22.5) / 1e6;
  EXPECT_NEAR(*Book().Cost("claude-sonnet-4-20250514", u), lc, 1e-12);
  // Sonnet 4.6 has the 1M window at standard prices.
  double s46 = (1000 * 3.0 + 199001 * 0.30 + 1000 * 15.0) / 1e6;
  EXPECT_NEAR(*Book().Cost("claude-sonnet-4-6", u), s46, 1e-12);
}

TEST(PriceBook, FastModeUsOnlyAndWebSearch) {
  Usage u;
  u.input_tokens = 1000000;
  u.fast = true;
  EXPECT_NEAR(*Book().Cost("claude-opus-4-6", u), 30.0, 1e-9);
  u.fast = false;
  u.us_only = true;
  EXPECT_NEAR(*Book().Cost("claude-opus-4-6", u), 5.5, 1e-9);
  Usage w;
  w.web_search_requests = 3;
  EXPECT_NEAR(*Book().Cost("claude-haiku-4-5", w), 0.03, 1e-12);
}

TEST(PriceBook, UnknownModelIsUnpricedNotFree) {
  Usage u;
  u.input_tokens = 10;
  EXPECT_FALSE(Book().Cost("mystery-model-1", u).has_value());
}

}  // namespace
}  // namespace cs
