// Budgets: spending limits per day, Monday-based week or month (in the configured time zone),
// their status, and the once-per-period alerts (docs/api-contract.md sections 3 and 4).
//
// Contract: every function takes the connection to use: a reader for the queries, the write
// connection for Create/Update/Delete and CheckBudgetAlerts. Thread-compatible (one Db per
// thread). A bad body value throws RequestError 400 naming the field; an unknown id throws
// RequestError 404; a DbError means an internal fault. Money in JSON is rounded to 6 decimals,
// times are RFC 3339 UTC.
//
// Spend is summed from usage_rollup (15-minute buckets keyed by their UTC start): a period
// boundary at a local midnight is a multiple of 15 minutes for every zone in use today, so the
// sum equals the sum over the messages inside the period.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/db.h"

namespace cs {

struct BudgetInput {
  std::string name;
  double amount = 0;
  std::string period;  // daily | weekly | monthly
  double warning_threshold = 0.8;
  std::string project;  // "" = all projects
};

struct Budget {
  int64_t id = 0;
  BudgetInput spec;
  int64_t created_at = 0, updated_at = 0;
};

// Validates a POST/PUT body: an object with name (non-empty string), amount (number > 0),
// period (daily|weekly|monthly), warning_threshold (optional number, 0 < x <= 1, default 0.8),
// project (optional string, default ""). Unknown fields are a 400, except id, created_at and
// updated_at (a client may send back a budget it read), which are ignored.
BudgetInput ParseBudgetBody(const nlohmann::json& body);

std::vector<Budget> ListBudgets(Db& db);  // by id
std::optional<Budget> FindBudget(Db& db, int64_t id);
Budget CreateBudget(Db& db, const BudgetInput& in, int64_t now_ms);
Budget UpdateBudget(Db& db, int64_t id, const BudgetInput& in, int64_t now_ms);  // 404
void DeleteBudget(Db& db, int64_t id);  // 404; also forgets its alerts

// [start, end) of the period containing `now_ms`: days start at local midnight, weeks on
// Monday, months on the 1st (DST-aware through TimeZone::StartOfDay).
struct Period {
  int64_t start_ms = 0, end_ms = 0;
};
Period CurrentPeriod(const std::string& period, const TimeZone& tz, int64_t now_ms);

struct BudgetStatus {
  Budget budget;
  Period period;
  double spend = 0;
  double percentage = 0;  // spend / amount * 100
  double forecast = 0;    // spend / elapsed fraction of the period (linear)
  std::string level;      // ok | warning (spend >= threshold * amount) | exceeded (>= amount)
};
BudgetStatus ComputeBudgetStatus(Db& db, const Budget& b, const TimeZone& tz, int64_t now_ms);
std::vector<BudgetStatus> AllBudgetStatuses(Db& db, const TimeZone& tz, int64_t now_ms);

// {id, name, amount, period, warning_threshold, project, created_at, updated_at}.
nlohmann::ordered_json BudgetJson(const Budget& b);
// BudgetJson plus period_start, period_end, current_spend, percentage, forecast_spend, status.
nlohmann::ordered_json BudgetStatusJson(const BudgetStatus& s);

// Compares every budget's spend in its current period with its threshold and amount, records
// each newly reached level in budget_alerts (PK budget_id, period_start, level) and returns one
// event per new level: {"hook_event_name": "BudgetWarning"|"BudgetExceeded", "timestamp",
// ...BudgetStatusJson}. A level fires once per budget and period; a budget that jumps straight
// past its amount fires only BudgetExceeded (its warning is recorded as passed, silently).
// Needs the write connection. The server calls it after each committed ingest batch and
// Publish()es the events; nothing else calls it (the CLI shows the status instead). Opens
// its own transaction, so call it outside one (after IngestWriter::Commit()).
std::vector<nlohmann::json> CheckBudgetAlerts(Db& db, const TimeZone& tz, int64_t now_ms);

}  // namespace cs
