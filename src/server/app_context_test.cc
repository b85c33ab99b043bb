#include "server/app_context.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/clock.h"
#include "server/router.h"
#include "store/model_rollup.h"
#include "store/schema.h"

namespace cs {
namespace {

class AppContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cs-appctx-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "t.db").string();
    ctx_ = std::make_unique<AppContext>(db_, OpenStore(db_), Config::Defaults(),
                                        (dir_ / "config.yaml").string(), 2);
  }
  void TearDown() override {
    ctx_.reset();
    std::filesystem::remove_all(dir_);
  }

  Response Get(const std::string& path) {
    Router r;
    RegisterMetaRoutes(r);
    Request req;
    req.method = "GET";
    req.path = path;
    return r.Dispatch(req, *ctx_);
  }

  std::filesystem::path dir_;
  std::string db_;
  std::unique_ptr<AppContext> ctx_;
};

TEST_F(AppContextTest, ReadersSeeWritesAndReturnToThePool) {
  ctx_->Write([](Db& db) {
    db.Exec("INSERT INTO sessions(id, project_path, project_name) VALUES ('s1', '/p/a', 'a')");
  });
  Db* first = nullptr;
  {
    auto r = ctx_->Reader();
    first = r.get();
    Stmt st(*r, "SELECT count(*) FROM sessions");
    ASSERT_TRUE(st.Step());
    EXPECT_EQ(st.Int(0), 1);
  }
  auto again = ctx_->Reader();
  EXPECT_EQ(again.get(), first);  // reused, not reopened
  auto other = ctx_->Reader();
  EXPECT_NE(other.get(), first);
}

TEST_F(AppContextTest, LeaseMayOutliveTheContext) {
  auto r = ctx_->Reader();
  ctx_.reset();
  Stmt st(*r, "SELECT 1");
  EXPECT_TRUE(st.Step());
}

TEST_F(AppContextTest, ApplyConfigSavesAndSwaps) {
  auto before = ctx_->config();
  std::string error, field;
  auto next = before->Patched({{"server", {{"active_window_minutes", 30}}}}, &error, &field);
  ASSERT_TRUE(next) << error;
  ctx_->ApplyConfig(*next);
  EXPECT_EQ(ctx_->config()->active_window_minutes, 30);
  EXPECT_EQ(before->active_window_minutes, 15);  // old snapshots stay valid and unchanged
  auto loaded = Config::Load((dir_ / "config.yaml").string(), &error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->active_window_minutes, 30);
}

TEST_F(AppContextTest, StateVersionChangesWithEveryCommitAndConfigChangeOnly) {
  auto v0 = ctx_->StateVersion();
  ASSERT_TRUE(v0.has_value());
  EXPECT_EQ(ctx_->StateVersion(), v0);
  {
    auto r = ctx_->Reader();  // reading changes nothing
    Stmt st(*r, "SELECT count(*) FROM sessions");
    st.Step();
  }
  EXPECT_EQ(ctx_->StateVersion(), v0);
  ctx_->Write([](Db& db) { db.Exec("INSERT INTO meta(key, value) VALUES ('a', '1')"); });
  auto v1 = ctx_->StateVersion();
  EXPECT_NE(v1, v0);
  {
    auto other = OpenStore(db_);  // another writer, as `claudescope import` in another process
    other->Exec("INSERT INTO meta(key, value) VALUES ('b', '2')");
  }
  auto v2 = ctx_->StateVersion();
  EXPECT_NE(v2, v1);
  std::string error, field;
  auto cfg = ctx_->config()->Patched({{"server", {{"active_window_minutes", 20}}}}, &error, &field);
  ASSERT_TRUE(cfg) << error;
  ctx_->ApplyConfig(*cfg);
  EXPECT_NE(ctx_->StateVersion(), v2);
}

TEST_F(AppContextTest, PublishGoesToTheSink) {
  ctx_->Publish({{"dropped", true}});  // no sink yet: nothing happens
  std::vector<nlohmann::json> got;
  ctx_->SetEventSink([&](const nlohmann::json& e) { got.push_back(e); });
  ctx_->Publish({{"hook_event_name", "SessionUpdate"}});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["hook_event_name"], "SessionUpdate");
}

TEST_F(AppContextTest, MetaEndpoints) {
  ctx_->Write([](Db& db) {
    db.Exec(
        "INSERT INTO sessions(id, project_path, project_name, cost_usd) VALUES "
        "('s1', '/p/b', 'b', 1.5), ('s2', '/p/a', 'a', 0.25), ('s3', '/p/b', 'b', 0)");
    db.Exec(
        "INSERT INTO messages(dedupe_key, id, session_id, type, kind, model) VALUES "
        "('k1', 'm1', 's1', 'assistant', 'response', 'claude-z'),"
        "('k2', 'm2', 's1', 'assistant', 'response', 'claude-a'),"
        "('k3', 'm3', 's2', 'assistant', 'response', 'claude-z'),"
        "('k4', 'm4', 's2', 'assistant', 'response', '<synthetic>'),"
        "('k5', 'm5', 's2', 'assistant', 'api_error', 'claude-q'),"
        "('k6', 'm6', 's2', 'user', 'prompt', NULL)");
    // The rollup rows the writer keeps for those messages (API errors under the model "").
    db.Exec(
        "INSERT INTO usage_rollup(bucket, session_id, model, project_path, messages, "
        "assistant_messages) VALUES (0, 's1', 'claude-z', '/p/b', 1, 1), "
        "(0, 's1', 'claude-a', '/p/b', 1, 1), (0, 's2', 'claude-z', '/p/a', 1, 1), "
        "(0, 's2', '', '/p/a', 3, 0)");
    RebuildModelRollup(db);
    db.Exec("INSERT INTO session_tags VALUES ('s1','x'), ('s2','x'), ('s1','a'), ('s3','b')");
    db.Exec(
        "INSERT INTO files(path, inode, size, offset, skipped, updated_at) VALUES "
        "('/f1', 1, 100, 100, 2, 0), ('/f2', 2, 50, 40, 1, 0)");
  });
  auto h = nlohmann::json::parse(Get("/api/health").body);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["db_path"], db_);
  EXPECT_EQ(h["ingest"]["files"], 2);
  EXPECT_EQ(h["ingest"]["bytes"], 140);
  EXPECT_EQ(h["ingest"]["errors"], 3);
  EXPECT_EQ(h["ingest"]["lag_ms"], 0);  // caught up
  // The live ingest marks the oldest change it works on; health reports its age until cleared.
  const int64_t t0 = NowMs() - 5000;
  ctx_->MarkIngestBusySince(t0 + 1000);
  ctx_->MarkIngestBusySince(t0);         // an older change: the earliest mark wins
  ctx_->MarkIngestBusySince(t0 + 2000);  // a newer one does not move it
  EXPECT_EQ(ctx_->IngestLagMs(t0 + 1234), 1234);
  EXPECT_GE(nlohmann::json::parse(Get("/api/health").body)["ingest"]["lag_ms"].get<int64_t>(),
            5000);
  ctx_->MarkIngestCaughtUp();
  EXPECT_EQ(nlohmann::json::parse(Get("/api/health").body)["ingest"]["lag_ms"], 0);
  EXPECT_EQ(ctx_->IngestLagMs(t0 - 1), 0);

  EXPECT_EQ(nlohmann::json::parse(Get("/api/projects").body),
            nlohmann::json::parse(R"({"projects":[{"path":"/p/a","name":"a","sessions":1},
                                                   {"path":"/p/b","name":"b","sessions":2}]})"));
  EXPECT_EQ(nlohmann::json::parse(Get("/api/models").body),
            nlohmann::json::parse(R"({"models":[{"name":"claude-a","messages":1},
                                                 {"name":"claude-z","messages":2}]})"));
  EXPECT_EQ(nlohmann::json::parse(Get("/api/tags").body),
            nlohmann::json::parse(R"({"tags":[{"tag":"x","count":2},{"tag":"a","count":1},
                                               {"tag":"b","count":1}]})"));
  std::string m = Get("/metrics").body;
  EXPECT_NE(m.find("\nclaudescope_sessions_total 3\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\nclaudescope_messages_total 6\n"), std::string::npos);
  EXPECT_NE(m.find("\nclaudescope_cost_usd_total 1.750000\n"), std::string::npos);
  EXPECT_NE(m.find("\nclaudescope_ingest_skipped_lines_total 3\n"), std::string::npos);
}

}  // namespace
}  // namespace cs
