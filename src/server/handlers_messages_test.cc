// GET /api/subagents through the router on a real store: the shared filter's parameters (dates
// as days in tz, project, model) narrow the runs, and bad values are a 400 naming the parameter.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "server/app_context.h"
#include "server/router.h"
#include "store/schema.h"

namespace cs {
namespace {

class SubagentsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cs-subagents-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::string db = (dir_ / "t.db").string();
    ctx_ = std::make_unique<AppContext>(db, OpenStore(db), Config::Defaults(),
                                        (dir_ / "config.yaml").string(), 2);
    RegisterMessageRoutes(router_);
    // 1790000000000 is 2026-09-21T14:13:20Z (23:13 in Tokyo); an hour later it is already
    // 2026-09-22 in Tokyo but still 2026-09-21 in UTC.
    ctx_->Write([](Db& db) {
      db.Exec(
          "INSERT INTO sessions(id, project_path, project_name) VALUES "
          "('s1', '/p/alpha', 'alpha'), ('s2', '/p/beta', 'beta')");
      db.Exec(
          "INSERT INTO usage_rollup(bucket, session_id, model, project_path, "
          "assistant_messages) VALUES (0, 's2', 'claude-x', '/p/beta', 1)");
      db.Exec(
          "INSERT INTO subagents(session_id, id, started_at) VALUES "
          "('s1', 'a1', 1790000000000), ('s1', 'a2', 1790003600000), "
          "('s2', 'b1', 1790003600000), ('s2', 'b2', 1790086400000)");
    });
  }
  void TearDown() override {
    ctx_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response Get(const std::map<std::string, std::string>& query) {
    Request req;
    req.method = "GET";
    req.path = "/api/subagents";
    req.query = query;
    return router_.Dispatch(req, *ctx_);
  }
  // The ids of the answer, checking that `total` counts them.
  std::vector<std::string> Ids(std::map<std::string, std::string> query) {
    query["order"] = "asc";
    Response r = Get(query);
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = nlohmann::json::parse(r.body);
    std::vector<std::string> out;
    for (const auto& a : j["subagents"])
      out.push_back(a["id"]);
    EXPECT_EQ(j["total"], out.size());
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<AppContext> ctx_;
  Router router_;
};

using V = std::vector<std::string>;

TEST_F(SubagentsEndpointTest, DatesAreDaysInTheZone) {
  EXPECT_EQ(Ids({}), (V{"a1", "a2", "b1", "b2"}));
  EXPECT_EQ(Ids({{"from", "2026-09-21"}, {"to", "2026-09-21"}, {"tz", "UTC"}}),
            (V{"a1", "a2", "b1"}));
  EXPECT_EQ(Ids({{"from", "2026-09-21"}, {"to", "2026-09-21"}, {"tz", "Asia/Tokyo"}}), V{"a1"});
  EXPECT_EQ(Ids({{"from", "2026-09-22"}, {"tz", "UTC"}}), V{"b2"});
  EXPECT_EQ(Ids({{"from", "2026-09-21T15:00:00Z"}, {"to", "2026-09-22T00:00:00Z"}}),
            (V{"a2", "b1"}));
}

TEST_F(SubagentsEndpointTest, ProjectModelAndSessionNarrowTogether) {
  EXPECT_EQ(Ids({{"project", "/p/beta"}}), (V{"b1", "b2"}));
  EXPECT_EQ(Ids({{"project", "alpha"}}), (V{"a1", "a2"}));
  EXPECT_EQ(
      Ids({{"project", "/p/beta"}, {"from", "2026-09-21"}, {"to", "2026-09-21"}, {"tz", "UTC"}}),
      V{"b1"});
  EXPECT_EQ(Ids({{"model", "claude-x"}}), (V{"b1", "b2"}));
  EXPECT_EQ(Ids({{"project", "/p/alpha"}, {"model", "claude-x"}}), V{});
  EXPECT_EQ(Ids({{"session_id", "s1"}, {"to", "2026-09-21T14:30:00Z"}}), V{"a1"});
  // Empty values count as absent, as the dashboard sends them.
  EXPECT_EQ(Ids({{"project", ""}, {"from", ""}, {"to", ""}, {"model", ""}}),
            (V{"a1", "a2", "b1", "b2"}));
}

TEST_F(SubagentsEndpointTest, OrderAndPagingKeepTheirDefaults) {
  auto first = [&](const std::map<std::string, std::string>& q) {
    auto j = nlohmann::json::parse(Get(q).body);
    return j["subagents"][0]["id"].get<std::string>();
  };
  EXPECT_EQ(first({}), "b2");                      // newest first without a session
  EXPECT_EQ(first({{"session_id", "s1"}}), "a1");  // oldest first within one
  EXPECT_EQ(first({{"session_id", "s1"}, {"order", "desc"}}), "a2");
  auto j =
      nlohmann::json::parse(Get({{"project", "/p/beta"}, {"limit", "1"}, {"offset", "1"}}).body);
  EXPECT_EQ(j["total"], 2);
  EXPECT_EQ(j["limit"], 1);
  EXPECT_EQ(j["offset"], 1);
  EXPECT_EQ(j["subagents"][0]["id"], "b1");
}

TEST_F(SubagentsEndpointTest, BadValuesAreA400NamingTheParameter) {
  for (const auto& [query, field] :
       std::vector<std::pair<std::map<std::string, std::string>, std::string>>{
           {{{"from", "yesterday"}}, "from"},
           {{{"to", "31/10/2026"}}, "to"},
           {{{"from", "2026-10-02"}, {"to", "2026-10-01"}}, "from"},
           {{{"tz", "Mars/Olympus"}}, "tz"},
           {{{"order", "up"}}, "order"},
           {{{"limit", "-1"}}, "limit"},
       }) {
    Response r = Get(query);
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["field"], field) << r.body;
  }
}

}  // namespace
}  // namespace cs
