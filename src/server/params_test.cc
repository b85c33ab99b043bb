#include "server/params.h"

#include <gtest/gtest.h>

#include "server/http_util.h"

namespace cs {
namespace {

Request Q(std::map<std::string, std::string> q) {
  Request r;
  r.method = "GET";
  r.path = "/api/x";
  r.query = std::move(q);
  return r;
}

std::string FieldOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.field();
  }
  return "<no error>";
}

Config UtcConfig() {
  Config c = Config::Defaults();
  c.tz = TimeZone::Utc();
  return c;
}

TEST(Params, LimitDefaultsClampsAndRejects) {
  EXPECT_EQ(ParseLimit(Q({})), 50);
  EXPECT_EQ(ParseLimit(Q({{"limit", ""}})), 50);
  EXPECT_EQ(ParseLimit(Q({{"limit", "7"}})), 7);
  EXPECT_EQ(ParseLimit(Q({{"limit", "0"}})), 0);
  EXPECT_EQ(ParseLimit(Q({{"limit", "5000"}})), 1000);
  EXPECT_EQ(ParseLimit(Q({{"limit", "99999999999999999999999"}})), 1000);
  for (const char* bad : {"-1", "abc", "1.5", " 3", "+3", "3x", "0x10"}) {
    EXPECT_EQ(FieldOf([&] { ParseLimit(Q({{"limit", bad}})); }), "limit") << bad;
  }
}

TEST(Params, Offset) {
  EXPECT_EQ(ParseOffset(Q({})), 0);
  EXPECT_EQ(ParseOffset(Q({{"offset", "120"}})), 120);
  EXPECT_EQ(FieldOf([] { ParseOffset(Q({{"offset", "-5"}})); }), "offset");
  EXPECT_EQ(FieldOf([] { ParseOffset(Q({{"offset", "x"}})); }), "offset");
}

TEST(Params, BoolEnumRequiredInt) {
  EXPECT_EQ(ParseBoolParam(Q({{"active", "true"}}), "active"), true);
  EXPECT_EQ(ParseBoolParam(Q({{"active", "false"}}), "active"), false);
  EXPECT_FALSE(ParseBoolParam(Q({}), "active").has_value());
  EXPECT_EQ(FieldOf([] { ParseBoolParam(Q({{"active", "yes"}}), "active"); }), "active");
  EXPECT_EQ(ParseEnumParam(Q({{"g", "day"}}), "g", {"day", "week"}), "day");
  EXPECT_EQ(FieldOf([] { ParseEnumParam(Q({{"g", "Day"}}), "g", {"day", "week"}); }), "g");
  EXPECT_EQ(RequiredParam(Q({{"q", "x"}}), "q"), "x");
  EXPECT_EQ(FieldOf([] { RequiredParam(Q({{"q", ""}}), "q"); }), "q");
  EXPECT_EQ(ParseIntParam(Q({{"n", "5"}}), "n", 1, 10), 5);
  EXPECT_EQ(FieldOf([] { ParseIntParam(Q({{"n", "11"}}), "n", 1, 10); }), "n");
}

TEST(Params, TimeZone) {
  EXPECT_EQ(ParseTz(Q({{"tz", "Europe/Paris"}}), TimeZone::Utc()).name(), "Europe/Paris");
  EXPECT_EQ(ParseTz(Q({}), TimeZone::Utc()).name(), "UTC");
  EXPECT_EQ(FieldOf([] { ParseTz(Q({{"tz", "Mars/Olympus"}}), TimeZone::Utc()); }), "tz");
}

TEST(Params, FilterDatesAreDaysInTheZoneAndToIsInclusive) {
  Config c = UtcConfig();
  auto f = ParseQueryFilter(Q({{"from", "2026-03-01"}, {"to", "2026-03-01"}}), c);
  ASSERT_TRUE(f.from_ms && f.to_ms);
  EXPECT_EQ(*f.from_ms, *ParseTimestamp("2026-03-01T00:00:00Z"));
  EXPECT_EQ(*f.to_ms, *ParseTimestamp("2026-03-02T00:00:00Z"));

  auto p = ParseQueryFilter(Q({{"from", "2026-03-01"}, {"tz", "Europe/Paris"}}), c);
  EXPECT_EQ(*p.from_ms, *ParseTimestamp("2026-02-28T23:00:00Z"));
  EXPECT_EQ(p.tz.name(), "Europe/Paris");

  auto r = ParseQueryFilter(Q({{"from", "2026-03-01T10:00:00+02:00"}}), c);
  EXPECT_EQ(*r.from_ms, *ParseTimestamp("2026-03-01T08:00:00Z"));
  // Same instant for both ends is a valid (one-millisecond) range.
  EXPECT_NO_THROW(
      ParseQueryFilter(Q({{"from", "2026-03-01T10:00:00Z"}, {"to", "2026-03-01T10:00:00Z"}}), c));
}

TEST(Params, FilterRejectsBadRanges) {
  Config c = UtcConfig();
  EXPECT_EQ(FieldOf([&] {
              ParseQueryFilter(Q({{"from", "2026-03-02"}, {"to", "2026-03-01"}}), c);
            }),
            "from");
  EXPECT_EQ(FieldOf([&] { ParseQueryFilter(Q({{"from", "yesterday"}}), c); }), "from");
  EXPECT_EQ(FieldOf([&] { ParseQueryFilter(Q({{"to", "2026-13-01"}}), c); }), "to");
  EXPECT_EQ(FieldOf([&] { ParseQueryFilter(Q({{"order", "up"}}), c); }), "order");
}

TEST(Params, FilterCarriesStringsAndOrder) {
  Config c = UtcConfig();
  auto f = ParseQueryFilter(
      Q({{"project", "/p"}, {"model", "m"}, {"session_id", ""}, {"order", "asc"}}), c);
  EXPECT_EQ(f.project, "/p");
  EXPECT_EQ(f.model, "m");
  EXPECT_FALSE(f.session_id.has_value());
  EXPECT_FALSE(f.descending);
  EXPECT_TRUE(f.order_given);
  EXPECT_EQ(f.tz.name(), "UTC");
  auto d = ParseQueryFilter(Q({}), c);
  EXPECT_TRUE(d.descending);
  EXPECT_FALSE(d.order_given);
  EXPECT_EQ(d.limit, 50);
}

TEST(HttpUtil, ParseTarget) {
  std::string path;
  std::map<std::string, std::string> q;
  ASSERT_TRUE(ParseTarget("/api/sessions/a%20b?project=%2Fhome%2Fx&q=a+b&flag&k=1&k=2", &path, &q));
  EXPECT_EQ(path, "/api/sessions/a b");
  EXPECT_EQ(q["project"], "/home/x");
  EXPECT_EQ(q["q"], "a b");
  EXPECT_EQ(q["flag"], "");
  EXPECT_EQ(q["k"], "2");
  EXPECT_FALSE(ParseTarget("/x?a=%zz", &path, &q));
  EXPECT_FALSE(ParseTarget("/x%2", &path, &q));
  EXPECT_FALSE(ParseTarget("http://evil/x", &path, &q));
  EXPECT_FALSE(ParseTarget("/x%00", &path, &q));
}

}  // namespace
}  // namespace cs
