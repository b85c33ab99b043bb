// `claudescope budget list|add|rm|status`: the budgets of the API from the terminal. Validation
// is the API's (ParseBudgetBody), so both reject the same values with the same sentence.
#include <cstdio>

#include "cli/common.h"
#include "core/errors.h"
#include "report/table.h"
#include "store/budgets.h"
#include "store/schema.h"

namespace cs {

namespace {

struct BudgetOptions {
  CommonOptions common;
  std::string name, period, project;
  double amount = 0;
  double threshold = 0.8;
  int64_t id = 0;
  bool json = false;
};

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

void PrintBudgets(const std::vector<Budget>& list) {
  TextTable t({"ID", "Name", "Amount", "Period", "Warn at", "Project"});
  for (const auto& b : list) {
    t.AddRow({std::to_string(b.id), b.spec.name, Money(b.spec.amount), b.spec.period,
              Percent(b.spec.warning_threshold * 100),
              b.spec.project.empty() ? "(all)" : b.spec.project});
  }
  std::printf("%s", t.Render().c_str());
}

int RunList(const BudgetOptions& o) {
  auto db = OpenStore(o.common.DbPath());
  auto list = ListBudgets(*db);
  if (o.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& b : list)
      j.push_back(BudgetJson(b));
    std::printf("%s\n", nlohmann::ordered_json{{"budgets", j}}.dump(2).c_str());
    return 0;
  }
  if (list.empty()) {
    std::printf(
        "No budgets. Add one with: claudescope budget add --name N --amount USD "
        "--period daily|weekly|monthly\n");
    return 0;
  }
  PrintBudgets(list);
  return 0;
}

int RunAdd(const BudgetOptions& o) {
  nlohmann::json body = {{"name", o.name},
                         {"amount", o.amount},
                         {"period", o.period},
                         {"warning_threshold", o.threshold},
                         {"project", o.project}};
  BudgetInput in = ParseBudgetBody(body);
  auto db = OpenStore(o.common.DbPath());
  Budget b = CreateBudget(*db, in, NowMs());
  if (o.json) {
    std::printf("%s\n", BudgetJson(b).dump(2).c_str());
  } else {
    std::printf("Added budget %lld.\n", (long long)b.id);
    PrintBudgets({b});
  }
  return 0;
}

int RunRm(const BudgetOptions& o) {
  auto db = OpenStore(o.common.DbPath());
  DeleteBudget(*db, o.id);
  std::printf("Removed budget %lld.\n", (long long)o.id);
  return 0;
}

int RunStatus(const BudgetOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  auto db = OpenStore(o.common.DbPath());
  auto list = AllBudgetStatuses(*db, cfg->tz, NowMs());
  if (o.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& s : list)
      j.push_back(BudgetStatusJson(s));
    std::printf("%s\n", nlohmann::ordered_json{{"budgets", j}}.dump(2).c_str());
    return 0;
  }
  if (list.empty()) {
    std::printf("No budgets.\n");
    return 0;
  }
  TextTable t({"ID", "Name", "Period", "Since", "Spent", "Budget", "Used", "Forecast", "Status"});
  for (const auto& s : list) {
    auto j = BudgetStatusJson(s);
    t.AddRow({std::to_string(s.budget.id), s.budget.spec.name, s.budget.spec.period,
              j["period_start"].get<std::string>().substr(0, 16), Money(s.spend),
              Money(s.budget.spec.amount), Percent(s.percentage), Money(s.forecast),
              s.level == "ok" ? "ok" : (s.level == "warning" ? "WARNING" : "EXCEEDED")});
  }
  std::printf("Budgets (%s)\n\n%s", cfg->tz.name().c_str(), t.Render().c_str());
  return 0;
}

// Runs a subcommand, turning the store's errors into a message and an exit code.
void Guarded(int* exit_code, const char* what, const std::function<int()>& fn) {
  try {
    *exit_code = fn();
  } catch (const RequestError& e) {
    if (e.field().empty()) {
      std::fprintf(stderr, "claudescope budget %s: %s\n", what, e.what());
    } else {
      std::fprintf(stderr, "claudescope budget %s: --%s: %s\n", what, e.field().c_str(), e.what());
    }
    *exit_code = 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "claudescope budget %s: %s\n", what, e.what());
    *exit_code = 1;
  }
}

}  // namespace

void RegisterBudget(CLI::App& root, int* exit_code) {
  auto o = std::make_shared<BudgetOptions>();
  auto* c = root.add_subcommand("budget", "Spending budgets: list, add, rm, status");
  c->require_subcommand(1);

  auto* list = c->add_subcommand("list", "List the budgets");
  o->common.Add(list);
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([o, exit_code] { Guarded(exit_code, "list", [o] { return RunList(*o); }); });

  auto* add = c->add_subcommand("add", "Add a budget");
  o->common.Add(add);
  add->add_option("--name", o->name, "Name")->required();
  add->add_option("--amount", o->amount, "Limit in USD")->required();
  add->add_option("--period", o->period, "daily | weekly | monthly")->required();
  add->add_option("--warning-threshold", o->threshold,
                  "Warn at this fraction of the amount (0 < x <= 1, default 0.8)");
  add->add_option("--project", o->project, "Only this project (path or name; default all)");
  add->add_flag("--json", o->json, "Print JSON");
  add->callback([o, exit_code] { Guarded(exit_code, "add", [o] { return RunAdd(*o); }); });

  auto* rm = c->add_subcommand("rm", "Remove a budget");
  o->common.Add(rm);
  rm->add_option("id", o->id, "Budget id")->required();
  rm->callback([o, exit_code] { Guarded(exit_code, "rm", [o] { return RunRm(*o); }); });

  auto* status = c->add_subcommand("status", "Spend of each budget in its current period");
  o->common.Add(status);
  status->add_flag("--json", o->json, "Print JSON");
  status->callback([o, exit_code] { Guarded(exit_code, "status", [o] { return RunStatus(*o); }); });
}

}  // namespace cs
