// Ground truth: generated transcript trees imported through the real ingest path, every
// figure of the generator's truth file matched (tokens exactly, cost to 1e-6), and the real
// Claude Code 1.0.x transcripts matched to their hand-checked totals.
#include <cmath>
#include <map>

#include "config/config.h"
#include "ingest/ingestor.h"
#include "store/model_rollup.h"
#include "store/prompt_rollup.h"
#include "store/schema.h"
#include "store/usage_report.h"
#include "test_support.h"

namespace cs {
namespace {

using nlohmann::json;
using test::TempDir;

constexpr double kCostTolerance = 1.5e-6;  // both sides round to 6 decimals

struct Imported {
  std::unique_ptr<Db> db;
  IngestStats stats;
};

Imported ImportTree(const std::string& projects, const std::string& db_path) {
  static const Config cfg = Config::Defaults();
  Imported out;
  out.db = OpenStore(db_path);
  Ingestor ingestor(*out.db, &cfg.prices);
  out.stats = ingestor.IngestTree({projects});
  return out;
}

void ExpectTokens(const json& truth, int64_t in, int64_t out, int64_t cr, int64_t w5, int64_t w1,
                  double cost, int64_t assistant, const std::string& where) {
  EXPECT_EQ(in, truth["input_tokens"].get<int64_t>()) << where;
  EXPECT_EQ(out, truth["output_tokens"].get<int64_t>()) << where;
  EXPECT_EQ(cr, truth["cache_read_tokens"].get<int64_t>()) << where;
  EXPECT_EQ(w5, truth["cache_write_5m_tokens"].get<int64_t>()) << where;
  EXPECT_EQ(w1, truth["cache_write_1h_tokens"].get<int64_t>()) << where;
  EXPECT_NEAR(cost, truth["cost_usd"].get<double>(), kCostTolerance) << where;
  EXPECT_EQ(assistant, truth["assistant_messages"].get<int64_t>()) << where;
}

void CheckAgainstTruth(Db& db, const json& truth, const IngestStats& stats) {
  // Totals and counts.
  Stmt t(db, R"SQL(SELECT count(*), sum(user_prompt_count), sum(tool_call_count),
    sum(tool_error_count), sum(subagent_count), sum(compaction_count), sum(api_error_count),
    sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens),
    sum(cache_write_1h_tokens), sum(cost_usd), sum(assistant_messages) FROM sessions)SQL");
  ASSERT_TRUE(t.Step());
  const json& tt = truth["totals"];
  EXPECT_EQ(t.Int(0), tt["sessions"].get<int64_t>());
  EXPECT_EQ(t.Int(1), tt["user_prompts"].get<int64_t>());
  EXPECT_EQ(t.Int(2), tt["tool_calls"].get<int64_t>());
  EXPECT_EQ(t.Int(3), tt["tool_errors"].get<int64_t>());
  EXPECT_EQ(t.Int(4), tt["subagents"].get<int64_t>());
  EXPECT_EQ(t.Int(5), tt["compactions"].get<int64_t>());
  EXPECT_EQ(t.Int(6), tt["api_errors"].get<int64_t>());
  ExpectTokens(tt, t.Int(7), t.Int(8), t.Int(9), t.Int(10), t.Int(11), t.Real(12), t.Int(13),
               "totals");
  EXPECT_EQ(stats.skipped, truth["malformed_lines"].get<int64_t>());

  // Per day (UTC), through the same query `daily --json` uses.
  UsageReportFilter f;
  f.tz = TimeZone::Utc();
  auto daily = DailyUsage(db, f);
  ASSERT_EQ(daily["daily"].size(), truth["by_day"].size());
  for (const auto& row : daily["daily"]) {
    std::string date = row["date"];
    ASSERT_TRUE(truth["by_day"].contains(date)) << date;
    ExpectTokens(truth["by_day"][date], row["input_tokens"], row["output_tokens"],
                 row["cache_read_tokens"], row["cache_write_5m_tokens"],
                 row["cache_write_1h_tokens"], row["cost_usd"], row["assistant_messages"], date);
  }

  // Per model and per project, from the rollups.
  Stmt m(db, R"SQL(SELECT model, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens),
    sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cost_usd), sum(assistant_messages)
    FROM usage_rollup WHERE model != '' GROUP BY model)SQL");
  size_t models = 0;
  while (m.Step()) {
    ++models;
    std::string model = m.Text(0);
    ASSERT_TRUE(truth["by_model"].contains(model)) << model;
    ExpectTokens(truth["by_model"][model], m.Int(1), m.Int(2), m.Int(3), m.Int(4), m.Int(5),
                 m.Real(6), m.Int(7), model);
  }
  EXPECT_EQ(models, truth["by_model"].size());
  Stmt p(db, R"SQL(SELECT project_path, count(*), sum(input_tokens), sum(output_tokens),
    sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cost_usd),
    sum(assistant_messages) FROM sessions GROUP BY project_path)SQL");
  size_t projects = 0;
  while (p.Step()) {
    ++projects;
    std::string project = p.Text(0);
    ASSERT_TRUE(truth["by_project"].contains(project)) << project;
    const json& tp = truth["by_project"][project];
    EXPECT_EQ(p.Int(1), tp["sessions"].get<int64_t>()) << project;
    ExpectTokens(tp, p.Int(2), p.Int(3), p.Int(4), p.Int(5), p.Int(6), p.Real(7), p.Int(8),
                 project);
  }
  EXPECT_EQ(projects, truth["by_project"].size());

  // Per tool.
  Stmt tools(db,
             "SELECT tool_name, count(*), sum(success = 0) FROM tool_calls "
             "WHERE tool_name IS NOT NULL GROUP BY tool_name");
  size_t ntools = 0;
  while (tools.Step()) {
    ++ntools;
    std::string name = tools.Text(0);
    ASSERT_TRUE(truth["by_tool"].contains(name)) << name;
    EXPECT_EQ(tools.Int(1), truth["by_tool"][name]["calls"].get<int64_t>()) << name;
    EXPECT_EQ(tools.Int(2), truth["by_tool"][name]["errors"].get<int64_t>()) << name;
  }
  EXPECT_EQ(ntools, truth["by_tool"].size());

  // Per session.
  Stmt s(db, R"SQL(SELECT project_path, git_branch, claude_version, first_prompt,
    user_prompt_count, tool_call_count, tool_error_count, subagent_count, compaction_count,
    api_error_count, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens,
    cache_write_1h_tokens, cost_usd, assistant_messages, started_at, last_activity_at,
    (SELECT group_concat(model) FROM (SELECT DISTINCT model FROM usage_rollup u
      WHERE u.session_id = sessions.id AND model != '' AND assistant_messages > 0 ORDER BY model))
    FROM sessions WHERE id=?1)SQL");
  for (const auto& [sid, ts] : truth["sessions"].items()) {
    s.Bind(1, sid);
    ASSERT_TRUE(s.Step()) << sid;
    EXPECT_EQ(s.Text(0), ts["project"].get<std::string>()) << sid;
    EXPECT_EQ(s.Text(1), ts["git_branch"].get<std::string>()) << sid;
    EXPECT_EQ(s.Text(2), ts["version"].get<std::string>()) << sid;
    EXPECT_EQ(s.Text(3), ts["first_prompt"].get<std::string>()) << sid;
    EXPECT_EQ(s.Int(4), ts["user_prompts"].get<int64_t>()) << sid;
    EXPECT_EQ(s.Int(5), ts["tool_calls"].get<int64_t>()) << sid;
    EXPECT_EQ(s.Int(6), ts["tool_errors"].get<int64_t>()) << sid;
    EXPECT_EQ(s.Int(7), ts["subagents"].get<int64_t>()) << sid;
    EXPECT_EQ(s.Int(8), ts["compactions"].get<int64_t>()) << sid;
    EXPECT_EQ(s.Int(9), ts["api_errors"].get<int64_t>()) << sid;
    ExpectTokens(ts["tokens"], s.Int(10), s.Int(11), s.Int(12), s.Int(13), s.Int(14), s.Real(15),
                 s.Int(16), sid);
    // The generator's started_at is the think time before the first prompt, which no line
    // carries; the first line follows it within 20 s.
    int64_t started = *ParseTimestamp(ts["started_at"].get<std::string>());
    EXPECT_GT(s.Int(17), started) << sid;
    EXPECT_LE(s.Int(17), started + 20000) << sid;
    EXPECT_EQ(FormatTimestamp(s.Int(18)), ts["ended_at"].get<std::string>()) << sid;
    std::vector<std::string> want = ts["models"];
    std::sort(want.begin(), want.end());
    std::string joined;
    for (const auto& w : want)
      joined += (joined.empty() ? "" : ",") + w;
    EXPECT_EQ(s.Text(19), joined) << sid;
    s.Reset();
  }

  // Search probes: FTS finds exactly the probe's messages.
  Stmt fts(db,
           "SELECT count(*), count(DISTINCT m.session_id) FROM messages_fts f "
           "JOIN messages m ON m.rowid = f.rowid WHERE messages_fts MATCH ?1");
  for (const auto& probe : truth["search_probes"]) {
    fts.Bind(1, probe["q"].get<std::string>());
    ASSERT_TRUE(fts.Step());
    EXPECT_EQ(fts.Int(0), probe["messages"].get<int64_t>()) << probe["q"];
    EXPECT_EQ(fts.Int(1), int64_t(probe["sessions"].size())) << probe["q"];
    fts.Reset();
  }
}

// A digest of everything ingest derives, to compare two databases.
std::string Digest(Db& db) {
  std::string out;
  const char* queries[] = {
      "SELECT * FROM sessions ORDER BY id",
      "SELECT dedupe_key, id, session_id, type, kind, model, content_text, timestamp, "
      "input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, "
      "cache_write_1h_tokens, round(cost_usd, 9) FROM messages ORDER BY dedupe_key",
      "SELECT * FROM tool_calls ORDER BY id",
      "SELECT * FROM subagents ORDER BY session_id, id",
      "SELECT * FROM compactions ORDER BY id",
      "SELECT bucket, session_id, model, messages, assistant_messages, user_prompts, tool_calls, "
      "tool_errors, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, "
      "cache_write_1h_tokens, round(cost_usd, 9) FROM usage_rollup "
      "WHERE messages != 0 OR tool_calls != 0 OR tool_errors != 0 ORDER BY 1, 2, 3",
      ("SELECT session_id, bucket, category, project_path, prompts, round(cost_usd, 9) "
       "FROM prompt_rollup ORDER BY 1, 2, 3"),
      ("SELECT bucket, model, project_path, assistant_messages, input_tokens, output_tokens, "
       "cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, round(cost_usd, 9) "
       "FROM model_rollup WHERE assistant_messages != 0 ORDER BY 1, 2, 3"),
      "SELECT path, offset, lines, skipped FROM files ORDER BY path",
      "SELECT path, offset, reason FROM ingest_errors ORDER BY path, offset",
      "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'session OR token'",
  };
  for (const char* sql : queries) {
    Stmt q(db, sql);
    while (q.Step()) {
      for (int i = 0; i < q.Columns(); ++i) {
        if (std::string(q.ColumnName(i)) == "updated_at") continue;
        out += q.IsNull(i) ? "∅" : q.Text(i);
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

struct CorpusCase {
  std::string name, args;
};

class GroundTruth : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(GroundTruth, EveryFigureMatches) {
  TempDir dir;
  json truth = test::Generate(dir.path(), GetParam().args);
  auto imported = ImportTree(dir / "projects", dir / "cs.db");
  CheckAgainstTruth(*imported.db, truth, imported.stats);
  EXPECT_TRUE(imported.stats.failures.empty());

  // Importing the same tree again changes nothing.
  std::string before = Digest(*imported.db);
  static const Config cfg = Config::Defaults();
  Ingestor again(*imported.db, &cfg.prices);
  auto stats = again.IngestTree({dir / "projects"});
  EXPECT_EQ(stats.lines, 0);
  EXPECT_EQ(Digest(*imported.db), before);
}

// prompt_rollup as the writer keeps it, session by session, during an import into a store that
// already holds data (a first import rebuilds it at the end instead): equal to a rebuild from
// the messages, and counting every human prompt of both trees.
TEST(PromptRollup, KeptSessionBySessionEqualsARebuild) {
  TempDir dir;
  json first = test::Generate(dir / "a", "--sessions 15 --seed 31");
  json second = test::Generate(dir / "b", "--sessions 15 --seed 32 --era v21 --malformed");
  auto imported = ImportTree(dir / "a/projects", dir / "cs.db");
  static const Config cfg = Config::Defaults();
  Ingestor more(*imported.db, &cfg.prices);
  more.IngestTree({dir / "b/projects"});

  const std::string rows =
      "SELECT session_id, bucket, category, project_path, prompts, round(cost_usd, 9) FROM "
      "prompt_rollup ORDER BY 1, 2, 3";
  auto dump = [&] {
    std::string out;
    Stmt q(*imported.db, rows);
    while (q.Step()) {
      for (int i = 0; i < 6; ++i)
        out += q.Text(i) + (i < 5 ? "|" : "\n");
    }
    return out;
  };
  std::string kept = dump();
  RebuildPromptRollup(*imported.db);
  EXPECT_EQ(kept, dump());
  Stmt n(*imported.db, "SELECT sum(prompts), sum(cost_usd) > 0 FROM prompt_rollup");
  ASSERT_TRUE(n.Step());
  EXPECT_EQ(n.Int(0), first["totals"]["user_prompts"].get<int64_t>() +
                          second["totals"]["user_prompts"].get<int64_t>());
  EXPECT_EQ(n.Int(1), 1);
}

// model_rollup as the writer keeps it, batch by batch, across a first import and a second one
// into the same store: equal to summing usage_rollup over sessions.
TEST(ModelRollup, KeptBatchByBatchEqualsARebuild) {
  TempDir dir;
  test::Generate(dir / "a", "--sessions 15 --seed 33");
  test::Generate(dir / "b", "--sessions 15 --seed 34 --era v21 --malformed");
  auto imported = ImportTree(dir / "a/projects", dir / "cs.db");
  static const Config cfg = Config::Defaults();
  Ingestor more(*imported.db, &cfg.prices);
  more.set_batch_rows(50);  // many transactions, so that keys meet across batches
  more.IngestTree({dir / "b/projects"});

  auto dump = [&] {
    std::string out;
    Stmt q(*imported.db,
           "SELECT bucket, model, project_path, assistant_messages, input_tokens, output_tokens, "
           "cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, round(cost_usd, 9) "
           "FROM model_rollup ORDER BY 1, 2, 3");
    while (q.Step()) {
      for (int i = 0; i < 10; ++i)
        out += q.Text(i) + (i < 9 ? "|" : "\n");
    }
    return out;
  };
  std::string kept = dump();
  EXPECT_NE(kept, "");
  RebuildModelRollup(*imported.db);
  EXPECT_EQ(kept, dump());
}

INSTANTIATE_TEST_SUITE_P(
    Corpora, GroundTruth,
    ::testing::Values(CorpusCase{"mixed", "--sessions 40 --seed 1"},
                      CorpusCase{"mixed_malformed", "--sessions 40 --seed 2 --malformed"},
                      CorpusCase{"v1", "--sessions 25 --seed 3 --era v1 --malformed"},
                      CorpusCase{"v20", "--sessions 25 --seed 4 --era v20"},
                      CorpusCase{"v21", "--sessions 25 --seed 5 --era v21 --malformed"},
                      CorpusCase{"huge_lines", "--sessions 12 --seed 6 --huge-lines"}),
    [](const auto& info) { return info.param.name; });

TEST(GroundTruthShared, SharedGeneratorCrossCheck) {
  std::string shared = test::SourceDir() + "/../shared/corpus/gen_corpus.py";
  if (!std::filesystem::exists(shared)) {
    GTEST_SKIP() << "../shared is absent: the cross-check with the company generator is skipped";
  }
  TempDir dir;
  json truth = test::Generate(dir.path(), "--sessions 30 --seed 11 --malformed", shared);
  auto imported = ImportTree(dir / "projects", dir / "cs.db");
  CheckAgainstTruth(*imported.db, truth, imported.stats);
}

// Real Claude Code 1.0.x transcripts (inline sidechains) and two hand-made flat subagent files
// carrying the parent's sessionId. Expected totals in tests/data/fixtures/real-v1.0/EXPECTED.md.
TEST(RealTranscripts, V1FixturesMatchExpectedTotals) {
  TempDir dir;
  auto imported =
      ImportTree(test::SourceDir() + "/tests/data/fixtures/real-v1.0/projects", dir / "cs.db");
  EXPECT_EQ(imported.stats.skipped, 0);
  Stmt q(*imported.db, R"SQL(SELECT count(*), sum(input_tokens), sum(output_tokens),
    sum(cache_write_5m_tokens + cache_write_1h_tokens), sum(cache_read_tokens), sum(cost_usd),
    sum(cache_write_1h_tokens) FROM sessions)SQL");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 3);
  EXPECT_EQ(q.Int(1), 1240);
  EXPECT_EQ(q.Int(2), 56535);
  EXPECT_EQ(q.Int(3), 198421);
  EXPECT_EQ(q.Int(4), 4075332);
  EXPECT_NEAR(q.Real(5), 2.81842335, 1e-8);
  EXPECT_EQ(q.Int(6), 0);  // no TTL split in these lines: every write is a 5-minute write
  Stmt models(*imported.db, "SELECT DISTINCT model FROM usage_rollup WHERE model != ''");
  ASSERT_TRUE(models.Step());
  EXPECT_EQ(models.Text(0), "claude-sonnet-4-20250514");
  EXPECT_FALSE(models.Step());
  // The flat agent files belong to the session named by their lines' sessionId, and their
  // copies of one response count once.
  Stmt agent(*imported.db,
             "SELECT count(*) FROM messages WHERE session_id='5c0375b4-57a5-4f26-b12d-d022ee4e51b7'"
             " AND id='msg_test'");
  ASSERT_TRUE(agent.Step());
  EXPECT_EQ(agent.Int(0), 1);
  Stmt title(*imported.db, "SELECT summary_title FROM sessions WHERE id LIKE 'fe5e1c67%'");
  ASSERT_TRUE(title.Step());
  EXPECT_EQ(title.Text(0), "Empty Repo Setup: CLAUDE.md Foundation Created");
}

// `claudescope import --path root --db db` in a child process, its output discarded; the
// child's pid (negative if fork failed).
pid_t SpawnImport(const std::string& root, const std::string& db) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(test::Binary().c_str(), "claudescope", "import", "--path", root.c_str(), "--db",
            db.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// kill -9 at random moments of an import, then a clean re-run: the same database as one
// uninterrupted import.
TEST(CrashSafety, KilledImportsConvergeToACleanImport) {
  TempDir dir;
  test::Generate(dir.path(), "--sessions 60 --seed 21 --malformed --huge-lines");
  auto clean = ImportTree(dir / "projects", dir / "clean.db");
  std::string want = Digest(*clean.db);

  std::string crashed = dir / "crashed.db";
  std::mt19937 rng(1234);
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    pid_t pid = SpawnImport(dir / "projects", crashed);
    ASSERT_GE(pid, 0);
    ::usleep(std::uniform_int_distribution<int>(5000, 120000)(rng));
    if (::kill(pid, SIGKILL) == 0) ++kills;
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  EXPECT_GT(kills, 0);
  ASSERT_EQ(test::Run(test::Binary() + " import --path " + (dir / "projects") + " --db " + crashed +
                      " >/dev/null 2>&1"),
            0);
  auto db = OpenStore(crashed);
  EXPECT_EQ(Digest(*db), want);
}

// `status` run while a first import writes through its rollback journal
// (store/rollback_journal.h): each answers (from what is committed) instead of failing with
// "database is locked", the import is not disturbed (the same database as an import alone), and
// the store is in WAL mode afterwards.
TEST(ConcurrentReports, StatusDuringAFirstImportAnswersAndChangesNothing) {
  TempDir dir;
  test::Generate(dir.path(), "--target-mb 30 --seed 7");
  auto alone = ImportTree(dir / "projects", dir / "alone.db");
  std::string want = Digest(*alone.db);

  // An empty store made beforehand: the only journal file is then the import's.
  std::string db_path = dir / "shared.db";
  OpenStore(db_path).reset();
  pid_t pid = SpawnImport(dir / "projects", db_path);
  ASSERT_GE(pid, 0);
  // The journal file appears with the import's first transaction through it.
  bool exited = false;
  int status = 0;
  while (!std::filesystem::exists(db_path + "-journal")) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    ::usleep(1000);
  }
  ASSERT_FALSE(exited) << "the import ended without a rollback journal";
  int during = 0, failed = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    ++during;
    if (test::Run(test::Binary() + " status --db " + db_path + " >/dev/null 2>&1") != 0) ++failed;
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_GT(during, 0);
  EXPECT_EQ(failed, 0);
  {
    Db plain(db_path, Db::Mode::kReadWrite);  // not OpenStore, which would set WAL itself
    Stmt q(plain, "PRAGMA journal_mode");
    ASSERT_TRUE(q.Step());
    EXPECT_EQ(q.Text(0), "wal");
  }
  auto db = OpenStore(db_path);
  EXPECT_EQ(Digest(*db), want);
}

}  // namespace
}  // namespace cs
