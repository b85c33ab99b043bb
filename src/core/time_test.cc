#include "core/time.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(Time, ParsesRfc3339Variants) {
  EXPECT_EQ(*ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseTimestamp("2026-02-12T16:02:27.718Z"), 1770912147718);
  EXPECT_EQ(*ParseTimestamp("2026-02-12T17:02:27.718+01:00"), 1770912147718);
  EXPECT_EQ(*ParseTimestamp("2026-02-12T16:02:27.7189999Z"), 1770912147718);
  EXPECT_EQ(*ParseTimestamp("2026-02-12T16:02:27Z"), 1770912147000);
  EXPECT_FALSE(ParseTimestamp("2026-02-12T16:02:27"));  // no zone
  EXPECT_FALSE(ParseTimestamp("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("garbage"));
  EXPECT_FALSE(ParseTimestamp("2026-02-12T16:02:27.Z"));
  EXPECT_FALSE(ParseTimestamp("2026-02-12T16:02:27Zjunk"));
}

TEST(Time, FormatsWithMilliseconds) {
  EXPECT_EQ(FormatTimestamp(1770912147718), "2026-02-12T16:02:27.718Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Time, DayBoundariesInZones) {
  auto paris = *TimeZone::Named("Europe/Paris");
  int64_t t = *ParseTimestamp("2026-10-01T22:30:00Z");  // 00:30 on the 2nd in Paris (CEST)
  EXPECT_EQ(paris.DayOf(t).ToString(), "2026-10-02");
  EXPECT_EQ(TimeZone::Utc().DayOf(t).ToString(), "2026-10-01");
  EXPECT_EQ(paris.StartOfDay(*CivilDay::Parse("2026-10-02")),
            *ParseTimestamp("2026-10-01T22:00:00Z"));
  // The day DST ends in Paris lasts 25 hours.
  int64_t a = paris.StartOfDay(*CivilDay::Parse("2026-10-25"));
  int64_t b = paris.StartOfDay(*CivilDay::Parse("2026-10-26"));
  EXPECT_EQ(b - a, 25 * 3600 * 1000);
  auto kolkata = *TimeZone::Named("Asia/Kolkata");  // +05:30
  EXPECT_EQ(kolkata.DayOf(*ParseTimestamp("2026-10-01T18:29:59Z")).ToString(), "2026-10-01");
  EXPECT_EQ(kolkata.DayOf(*ParseTimestamp("2026-10-01T18:30:00Z")).ToString(), "2026-10-02");
  // A zone whose midnight can fall in a DST gap (Santiago springs forward at 24:00).
  auto santiago = *TimeZone::Named("America/Santiago");
  int64_t s = santiago.StartOfDay(*CivilDay::Parse("2026-09-06"));
  EXPECT_EQ(santiago.DayOf(s).ToString(), "2026-09-06");
  EXPECT_EQ(santiago.DayOf(s - 1).ToString(), "2026-09-05");
}

TEST(Time, RangeBoundsAreInclusiveDays) {
  auto utc = TimeZone::Utc();
  EXPECT_EQ(*ParseRangeBound("2026-10-01", utc, false), *ParseTimestamp("2026-10-01T00:00:00Z"));
  EXPECT_EQ(*ParseRangeBound("2026-10-01", utc, true), *ParseTimestamp("2026-10-02T00:00:00Z"));
  EXPECT_EQ(*ParseRangeBound("2026-10-01T10:00:00Z", utc, true),
            *ParseTimestamp("2026-10-01T10:00:00Z") + 1);
  EXPECT_FALSE(ParseRangeBound("2026-1-01", utc, false));
  EXPECT_FALSE(TimeZone::Named("Mars/Olympus"));
}

}  // namespace
}  // namespace cs
