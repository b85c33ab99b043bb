#include "store/budgets.h"

#include <cmath>

#include "core/errors.h"
#include "store/messages_query.h"

namespace cs {

namespace {

constexpr size_t kMaxNameChars = 200;

const char* const kBudgetColumns =
    "id, name, amount, period, warning_threshold, project, created_at, updated_at";

Budget BudgetOf(const Stmt& q) {
  Budget b;
  b.id = q.Int(0);
  b.spec.name = q.Text(1);
  b.spec.amount = q.Real(2);
  b.spec.period = q.Text(3);
  b.spec.warning_threshold = q.Real(4);
  b.spec.project = q.Text(5);
  b.created_at = q.Int(6);
  b.updated_at = q.Int(7);
  return b;
}

size_t Utf8Chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Monday = 0. 1970-01-01 was a Thursday (3).
int64_t WeekdayOf(int64_t days_since_epoch) {
  int64_t w = (days_since_epoch + 3) % 7;
  return w < 0 ? w + 7 : w;
}

double Round2(double v) {
  return std::round(v * 100) / 100;
}

}  // namespace

BudgetInput ParseBudgetBody(const nlohmann::json& body) {
  if (!body.is_object()) throw RequestError::BadParam("body", "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key == "name" || key == "amount" || key == "period" || key == "warning_threshold" ||
        key == "project" || key == "id" || key == "created_at" || key == "updated_at") {
      continue;
    }
    throw RequestError::BadParam(key, "unknown field '" + key + "'");
  }
  BudgetInput in;
  auto name = body.find("name");
  if (name == body.end() || !name->is_string()) {
    throw RequestError::BadParam("name", "name is required and must be a string");
  }
  in.name = Trim(name->get<std::string>());
  if (in.name.empty()) throw RequestError::BadParam("name", "name must not be empty");
  if (Utf8Chars(in.name) > kMaxNameChars) {
    throw RequestError::BadParam("name", "name must be at most 200 characters");
  }
  auto amount = body.find("amount");
  if (amount == body.end() || !amount->is_number()) {
    throw RequestError::BadParam("amount", "amount is required and must be a number");
  }
  in.amount = amount->get<double>();
  if (!std::isfinite(in.amount) || in.amount <= 0) {
    throw RequestError::BadParam("amount", "amount must be greater than 0");
  }
  auto period = body.find("period");
  if (period == body.end() || !period->is_string()) {
    throw RequestError::BadParam("period", "period is required: daily, weekly or monthly");
  }
  in.period = period->get<std::string>();
  if (in.period != "daily" && in.period != "weekly" && in.period != "monthly") {
    throw RequestError::BadParam("period", "period must be one of daily, weekly, monthly");
  }
  auto threshold = body.find("warning_threshold");
  if (threshold != body.end() && !threshold->is_null()) {
    if (!threshold->is_number()) {
      throw RequestError::BadParam("warning_threshold", "warning_threshold must be a number");
    }
    in.warning_threshold = threshold->get<double>();
    if (!std::isfinite(in.warning_threshold) || in.warning_threshold <= 0 ||
        in.warning_threshold > 1) {
      throw RequestError::BadParam("warning_threshold",
                                   "warning_threshold must be greater than 0 and at most 1");
    }
  }
  auto project = body.find("project");
  if (project != body.end() && !project->is_null()) {
    if (!project->is_string()) {
      throw RequestError::BadParam("project", "project must be a string (\"\" = all projects)");
    }
    in.project = Trim(project->get<std::string>());
  }
  return in;
}

std::vector<Budget> ListBudgets(Db& db) {
  std::vector<Budget> out;
  Stmt q(db, std::string("SELECT ") + kBudgetColumns + " FROM budgets ORDER BY id");
  while (q.Step())
    out.push_back(BudgetOf(q));
  return out;
}

std::optional<Budget> FindBudget(Db& db, int64_t id) {
  Stmt q(db, std::string("SELECT ") + kBudgetColumns + " FROM budgets WHERE id=?1");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  return BudgetOf(q);
}

Budget CreateBudget(Db& db, const BudgetInput& in, int64_t now_ms) {
  Stmt q(db,
         "INSERT INTO budgets(name, amount, period, warning_threshold, project, created_at, "
         "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  q.Bind(1, in.name)
      .Bind(2, in.amount)
      .Bind(3, in.period)
      .Bind(4, in.warning_threshold)
      .Bind(5, in.project)
      .Bind(6, now_ms);
  q.Run();
  return Budget{db.LastInsertRowid(), in, now_ms, now_ms};
}

Budget UpdateBudget(Db& db, int64_t id, const BudgetInput& in, int64_t now_ms) {
  Transaction tx(db);
  auto old = FindBudget(db, id);
  if (!old) throw RequestError::NotFound("no budget with id " + std::to_string(id));
  Stmt q(db,
         "UPDATE budgets SET name=?2, amount=?3, period=?4, warning_threshold=?5, project=?6, "
         "updated_at=?7 WHERE id=?1");
  q.Bind(1, id)
      .Bind(2, in.name)
      .Bind(3, in.amount)
      .Bind(4, in.period)
      .Bind(5, in.warning_threshold)
      .Bind(6, in.project)
      .Bind(7, now_ms);
  q.Run();
  // A new amount or period is a new budget as far as alerts go: it may warn again.
  Stmt forget(db, "DELETE FROM budget_alerts WHERE budget_id=?1");
  forget.Bind(1, id);
  forget.Run();
  tx.Commit();
  return Budget{id, in, old->created_at, now_ms};
}

void DeleteBudget(Db& db, int64_t id) {
  Transaction tx(db);
  Stmt q(db, "DELETE FROM budgets WHERE id=?1");
  q.Bind(1, id);
  q.Run();
  if (db.Changes() == 0) throw RequestError::NotFound("no budget with id " + std::to_string(id));
  Stmt forget(db, "DELETE FROM budget_alerts WHERE budget_id=?1");
  forget.Bind(1, id);
  forget.Run();
  tx.Commit();
}

Period CurrentPeriod(const std::string& period, const TimeZone& tz, int64_t now_ms) {
  CivilDay today = tz.DayOf(now_ms);
  CivilDay first = today, next;
  if (period == "weekly") {
    int64_t days = today.DaysSinceEpoch();
    int64_t monday = days - WeekdayOf(days);
    first = CivilDay::FromDaysSinceEpoch(monday);
    next = CivilDay::FromDaysSinceEpoch(monday + 7);
  } else if (period == "monthly") {
    first.day = 1;
    next = first;
    if (++next.month > 12) {
      next.month = 1;
      ++next.year;
    }
  } else {
    next = CivilDay::FromDaysSinceEpoch(today.DaysSinceEpoch() + 1);
  }
  return Period{tz.StartOfDay(first), tz.StartOfDay(next)};
}

BudgetStatus ComputeBudgetStatus(Db& db, const Budget& b, const TimeZone& tz, int64_t now_ms) {
  BudgetStatus s;
  s.budget = b;
  s.period = CurrentPeriod(b.spec.period, tz, now_ms);
  std::string sql =
      "SELECT coalesce(sum(cost_usd), 0) FROM usage_rollup WHERE bucket >= ?1 AND bucket < ?2";
  if (!b.spec.project.empty()) {
    // The contract's project rule: the exact path, else the project name.
    sql +=
        " AND (project_path = ?3 OR (NOT EXISTS (SELECT 1 FROM sessions WHERE project_path = ?3)"
        " AND project_path IN (SELECT project_path FROM sessions WHERE project_name = ?3)))";
  }
  Stmt q(db, sql);
  q.Bind(1, s.period.start_ms).Bind(2, s.period.end_ms);
  if (!b.spec.project.empty()) q.Bind(3, b.spec.project);
  if (q.Step()) s.spend = q.Real(0);
  if (s.spend < 0) s.spend = 0;  // rounding residue of rollup subtractions
  s.percentage = b.spec.amount > 0 ? s.spend / b.spec.amount * 100 : 0;
  int64_t length = s.period.end_ms - s.period.start_ms;
  int64_t elapsed = now_ms - s.period.start_ms;
  s.forecast = elapsed > 0 && length > 0 ? s.spend * double(length) / double(elapsed) : s.spend;
  // Compare in micro-dollars so that a spend equal to the amount up to float noise counts.
  double spend = RoundMoney(s.spend);
  if (spend >= RoundMoney(b.spec.amount)) {
    s.level = "exceeded";
  } else if (spend >= RoundMoney(b.spec.amount * b.spec.warning_threshold)) {
    s.level = "warning";
  } else {
    s.level = "ok";
  }
  return s;
}

std::vector<BudgetStatus> AllBudgetStatuses(Db& db, const TimeZone& tz, int64_t now_ms) {
  std::vector<BudgetStatus> out;
  for (const auto& b : ListBudgets(db))
    out.push_back(ComputeBudgetStatus(db, b, tz, now_ms));
  return out;
}

nlohmann::ordered_json BudgetJson(const Budget& b) {
  nlohmann::ordered_json j;
  j["id"] = b.id;
  j["name"] = b.spec.name;
  j["amount"] = RoundMoney(b.spec.amount);
  j["period"] = b.spec.period;
  j["warning_threshold"] = b.spec.warning_threshold;
  j["project"] = b.spec.project;
  j["created_at"] = FormatTimestamp(b.created_at);
  j["updated_at"] = FormatTimestamp(b.updated_at);
  return j;
}

nlohmann::ordered_json BudgetStatusJson(const BudgetStatus& s) {
  auto j = BudgetJson(s.budget);
  j["period_start"] = FormatTimestamp(s.period.start_ms);
  j["period_end"] = FormatTimestamp(s.period.end_ms);
  j["current_spend"] = RoundMoney(s.spend);
  j["percentage"] = Round2(s.percentage);
  j["forecast_spend"] = RoundMoney(s.forecast);
  j["status"] = s.level;
  return j;
}

std::vector<nlohmann::json> CheckBudgetAlerts(Db& db, const TimeZone& tz, int64_t now_ms) {
  std::vector<nlohmann::json> events;
  // Runs after every ingest batch: take the write lock only when some budget is past a level.
  std::vector<BudgetStatus> reached;
  for (auto& s : AllBudgetStatuses(db, tz, now_ms)) {
    if (s.level != "ok") reached.push_back(std::move(s));
  }
  if (reached.empty()) return events;
  Transaction tx(db);
  Stmt record(
      db,
      "INSERT INTO budget_alerts(budget_id, period_start, level, at) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT DO NOTHING");
  auto fire = [&](const BudgetStatus& s, const char* level) {
    record.Bind(1, s.budget.id).Bind(2, s.period.start_ms).Bind(3, level).Bind(4, now_ms);
    record.Run();
    return db.Changes() > 0;
  };
  for (const auto& s : reached) {
    bool exceeded = s.level == "exceeded";
    bool new_exceeded = exceeded && fire(s, "exceeded");
    bool new_warning = fire(s, "warning");
    const char* name = nullptr;
    if (new_exceeded) {
      name = "BudgetExceeded";
    } else if (new_warning && !exceeded) {
      name = "BudgetWarning";
    }
    if (!name) continue;
    nlohmann::json ev = nlohmann::json::parse(BudgetStatusJson(s).dump());
    ev["hook_event_name"] = name;
    ev["timestamp"] = FormatTimestamp(now_ms);
    ev["budget_id"] = s.budget.id;
    events.push_back(std::move(ev));
  }
  tx.Commit();
  return events;
}

}  // namespace cs
