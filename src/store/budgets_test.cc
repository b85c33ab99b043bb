#include "store/budgets.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "store/test_seed.h"

// Seed rows use designated initializers that leave the other fields at their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs {
namespace {

int64_t T(const char* rfc3339) {
  return *ParseTimestamp(rfc3339);
}

TimeZone Zone(const char* name) {
  return *TimeZone::Named(name);
}

class BudgetsTest : public ::testing::Test {
 protected:
  void Spend(int64_t at, double cost, const std::string& project = "/work/alpha",
             const std::string& session = "s1") {
    int64_t bucket = at / (15 * 60 * 1000) * (15 * 60 * 1000);
    Stmt q(seed.db(),
           "INSERT INTO usage_rollup(bucket, session_id, model, project_path, cost_usd) "
           "VALUES(?1, ?2, 'm', ?3, ?4) ON CONFLICT(bucket, session_id, model) "
           "DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd");
    q.Bind(1, bucket).Bind(2, session).Bind(3, project).Bind(4, cost);
    q.Run();
  }
  Budget Add(double amount, const std::string& period, const std::string& project = "",
             double threshold = 0.8) {
    return CreateBudget(seed.db(), BudgetInput{"b", amount, period, threshold, project},
                        T("2026-01-01T00:00:00Z"));
  }
  test::SeedStore seed;
};

TEST(BudgetPeriod, DayInZoneAcrossDstChange) {
  // 2026-03-29 is the day Paris moves from +01:00 to +02:00: a 23-hour day.
  Period p = CurrentPeriod("daily", Zone("Europe/Paris"), T("2026-03-29T12:00:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-03-28T23:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(p.end_ms), "2026-03-29T22:00:00.000Z");
  // Just before local midnight still belongs to the previous day.
  p = CurrentPeriod("daily", Zone("Europe/Paris"), T("2026-03-28T22:59:59.999Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-03-27T23:00:00.000Z");
}

TEST(BudgetPeriod, WeekStartsOnMonday) {
  auto paris = Zone("Europe/Paris");
  // Sunday 2026-03-29 belongs to the week of Monday 2026-03-23.
  Period p = CurrentPeriod("weekly", paris, T("2026-03-29T21:59:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-03-22T23:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(p.end_ms), "2026-03-29T22:00:00.000Z");
  // Monday 00:30 local is in its own week; Sunday 23:59 local in the previous one.
  p = CurrentPeriod("weekly", paris, T("2026-03-22T23:30:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-03-22T23:00:00.000Z");
  p = CurrentPeriod("weekly", paris, T("2026-03-22T22:59:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-03-15T23:00:00.000Z");
  // UTC, a Thursday like the epoch.
  p = CurrentPeriod("weekly", TimeZone::Utc(), T("1970-01-01T12:00:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "1969-12-29T00:00:00.000Z");
}

TEST(BudgetPeriod, MonthInZoneAndAcrossYearEnd) {
  Period p = CurrentPeriod("monthly", Zone("America/New_York"), T("2026-12-15T12:00:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-12-01T05:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(p.end_ms), "2027-01-01T05:00:00.000Z");
  // 03:00 UTC on the 1st is still the previous month in New York.
  p = CurrentPeriod("monthly", Zone("America/New_York"), T("2026-12-01T03:00:00Z"));
  EXPECT_EQ(FormatTimestamp(p.start_ms), "2026-11-01T04:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(p.end_ms), "2026-12-01T05:00:00.000Z");
}

TEST_F(BudgetsTest, StatusLevelsSpendAndForecast) {
  auto tz = TimeZone::Utc();
  Budget b = Add(10, "daily");
  const int64_t now = T("2026-05-10T06:00:00Z");  // a quarter of the day gone
  Spend(T("2026-05-09T23:59:00Z"), 100);          // yesterday: not counted
  Spend(T("2026-05-10T00:00:00Z"), 2);
  Spend(T("2026-05-10T05:50:00Z"), 3);
  BudgetStatus s = ComputeBudgetStatus(seed.db(), b, tz, now);
  EXPECT_DOUBLE_EQ(s.spend, 5);
  EXPECT_DOUBLE_EQ(s.percentage, 50);
  EXPECT_DOUBLE_EQ(s.forecast, 20);
  EXPECT_EQ(s.level, "ok");
  Spend(T("2026-05-10T05:00:00Z"), 3);
  EXPECT_EQ(ComputeBudgetStatus(seed.db(), b, tz, now).level, "warning");
  Spend(T("2026-05-10T05:10:00Z"), 2);  // exactly the amount
  EXPECT_EQ(ComputeBudgetStatus(seed.db(), b, tz, now).level, "exceeded");

  auto j = BudgetStatusJson(ComputeBudgetStatus(seed.db(), b, tz, now));
  EXPECT_EQ(j["period_start"], "2026-05-10T00:00:00.000Z");
  EXPECT_EQ(j["period_end"], "2026-05-11T00:00:00.000Z");
  EXPECT_DOUBLE_EQ(j["current_spend"].get<double>(), 10);
  EXPECT_EQ(j["status"], "exceeded");
  for (const char* k : {"id", "name", "amount", "period", "warning_threshold", "project",
                        "percentage", "forecast_spend"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
}

TEST_F(BudgetsTest, ProjectBudgetCountsOnlyThatProject) {
  Budget alpha = Add(10, "monthly", "/work/alpha");
  Budget by_name = Add(10, "monthly", "alpha");
  test::SeedSession s{.id = "s1"};
  seed.Session(s);
  const int64_t now = T("2026-05-10T06:00:00Z");
  Spend(T("2026-05-02T00:00:00Z"), 4, "/work/alpha");
  Spend(T("2026-05-02T00:00:00Z"), 7, "/work/beta", "s2");
  EXPECT_DOUBLE_EQ(ComputeBudgetStatus(seed.db(), alpha, TimeZone::Utc(), now).spend, 4);
  EXPECT_DOUBLE_EQ(ComputeBudgetStatus(seed.db(), by_name, TimeZone::Utc(), now).spend, 4);
  Budget all = Add(10, "monthly");
  EXPECT_DOUBLE_EQ(ComputeBudgetStatus(seed.db(), all, TimeZone::Utc(), now).spend, 11);
}

TEST_F(BudgetsTest, AlertsFireOncePerPeriodAndLevel) {
  auto tz = TimeZone::Utc();
  Budget b = Add(10, "daily");
  int64_t now = T("2026-05-10T12:00:00Z");
  EXPECT_TRUE(CheckBudgetAlerts(seed.db(), tz, now).empty());
  Spend(T("2026-05-10T01:00:00Z"), 8.5);
  auto ev = CheckBudgetAlerts(seed.db(), tz, now);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["hook_event_name"], "BudgetWarning");
  EXPECT_EQ(ev[0]["budget_id"], b.id);
  EXPECT_EQ(ev[0]["status"], "warning");
  EXPECT_TRUE(ev[0].contains("timestamp"));
  EXPECT_TRUE(CheckBudgetAlerts(seed.db(), tz, now + 1000).empty());  // once

  Spend(T("2026-05-10T02:00:00Z"), 2);
  ev = CheckBudgetAlerts(seed.db(), tz, now);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["hook_event_name"], "BudgetExceeded");
  EXPECT_TRUE(CheckBudgetAlerts(seed.db(), tz, now).empty());

  // Next day: a new period. A jump straight past the amount fires only BudgetExceeded.
  int64_t tomorrow = T("2026-05-11T12:00:00Z");
  EXPECT_TRUE(CheckBudgetAlerts(seed.db(), tz, tomorrow).empty());
  Spend(T("2026-05-11T01:00:00Z"), 50);
  ev = CheckBudgetAlerts(seed.db(), tz, tomorrow);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["hook_event_name"], "BudgetExceeded");
  EXPECT_TRUE(CheckBudgetAlerts(seed.db(), tz, tomorrow).empty());
}

TEST_F(BudgetsTest, CrudAndNotFound) {
  Budget b = Add(5, "weekly");
  ASSERT_EQ(ListBudgets(seed.db()).size(), 1u);
  Budget u = UpdateBudget(seed.db(), b.id, BudgetInput{"renamed", 7, "monthly", 0.5, "p"}, 42);
  EXPECT_EQ(u.created_at, b.created_at);
  auto found = FindBudget(seed.db(), b.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->spec.name, "renamed");
  EXPECT_EQ(found->spec.period, "monthly");
  EXPECT_DOUBLE_EQ(found->spec.warning_threshold, 0.5);
  try {
    UpdateBudget(seed.db(), 999, BudgetInput{"x", 1, "daily", 0.8, ""}, 1);
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 404);
  }
  DeleteBudget(seed.db(), b.id);
  EXPECT_TRUE(ListBudgets(seed.db()).empty());
  try {
    DeleteBudget(seed.db(), b.id);
    FAIL();
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

std::string FieldOf(const nlohmann::json& body) {
  try {
    ParseBudgetBody(body);
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.field();
  }
  return "";
}

TEST(BudgetBody, EveryFieldValidated) {
  nlohmann::json ok = {{"name", "Daily"}, {"amount", 50.0}, {"period", "daily"}};
  BudgetInput in = ParseBudgetBody(ok);
  EXPECT_DOUBLE_EQ(in.warning_threshold, 0.8);
  EXPECT_EQ(in.project, "");
  auto with = [&](const char* k, nlohmann::json v) {
    auto b = ok;
    b[k] = v;
    return b;
  };
  auto without = [&](const char* k) {
    auto b = ok;
    b.erase(k);
    return b;
  };
  EXPECT_EQ(FieldOf(nlohmann::json::array()), "body");
  EXPECT_EQ(FieldOf(without("name")), "name");
  EXPECT_EQ(FieldOf(with("name", "  ")), "name");
  EXPECT_EQ(FieldOf(with("name", 3)), "name");
  EXPECT_EQ(FieldOf(without("amount")), "amount");
  EXPECT_EQ(FieldOf(with("amount", 0)), "amount");
  EXPECT_EQ(FieldOf(with("amount", -1)), "amount");
  EXPECT_EQ(FieldOf(with("amount", "50")), "amount");
  EXPECT_EQ(FieldOf(without("period")), "period");
  EXPECT_EQ(FieldOf(with("period", "yearly")), "period");
  EXPECT_EQ(FieldOf(with("warning_threshold", 0)), "warning_threshold");
  EXPECT_EQ(FieldOf(with("warning_threshold", 1.01)), "warning_threshold");
  EXPECT_EQ(FieldOf(with("warning_threshold", "0.5")), "warning_threshold");
  EXPECT_EQ(FieldOf(with("warning_threshold", 1)), "");
  EXPECT_EQ(FieldOf(with("project", 5)), "project");
  EXPECT_EQ(FieldOf(with("colour", "red")), "colour");
  EXPECT_EQ(FieldOf(with("id", 4)), "");  // echo of a read budget
}

}  // namespace
}  // namespace cs
