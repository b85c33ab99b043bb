// The accounting rules end to end through Ingestor and IngestWriter, on real files and a real
// SQLite database in a temporary directory.
#include "ingest/ingestor.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "store/fts_build.h"
#include "store/messages_query.h"
#include "store/recompute.h"
#include "store/schema.h"

namespace cs {
namespace {

namespace fs = std::filesystem;

class IngestRules : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "csingest-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    root_ = dir_ + "/projects";
    fs::create_directories(root_ + "/-w-app");
    db_ = OpenStore(dir_ + "/cs.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  std::string Write(const std::string& rel, const std::string& text, bool append = false) {
    std::string path = root_ + "/" + rel;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream f(path, append ? std::ios::app : std::ios::trunc);
    f << text;
    return path;
  }
  IngestStats Ingest() {
    Ingestor ing(*db_, &cfg_.prices);
    return ing.IngestTree({root_});
  }
  int64_t Int(const std::string& sql) {
    Stmt q(*db_, sql);
    EXPECT_TRUE(q.Step()) << sql;
    return q.Int(0);
  }
  double Real(const std::string& sql) {
    Stmt q(*db_, sql);
    EXPECT_TRUE(q.Step()) << sql;
    return q.Real(0);
  }

  static std::string Assistant(const std::string& uuid, const std::string& msg,
                               const std::string& req, int output, const std::string& ts,
                               const std::string& extra = "", const std::string& text = "hi") {
    return R"({"type":"assistant","sessionId":"s1","cwd":"/w/app","uuid":")" + uuid +
           R"(","timestamp":")" + ts + R"(","requestId":")" + req + R"(")" + extra +
           R"(,"message":{"id":")" + msg +
           R"(","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":")" + text +
           R"("}],"usage":{"input_tokens":10,"output_tokens":)" + std::to_string(output) +
           R"(,"cache_read_input_tokens":100,"cache_creation_input_tokens":0}}})"
           "\n";
  }

  // The configuration with every Sonnet 4.5 price multiplied by `factor`.
  Config SonnetPricesTimes(double factor) {
    nlohmann::json models = cfg_.doc["pricing"]["models"];
    for (auto& m : models) {
      if (m["family"] != "claude-sonnet-4-5") continue;
      for (const char* k : {"input", "output", "cache_write_5m", "cache_write_1h", "cache_read"})
        m[k] = m[k].get<double>() * factor;
    }
    std::string err, field;
    auto next = cfg_.Patched({{"pricing", {{"models", models}}}}, &err, &field);
    EXPECT_TRUE(next) << err;
    return next ? *next : cfg_;
  }

  Config cfg_ = Config::Defaults();
  std::string dir_, root_;
  std::unique_ptr<Db> db_;
};

TEST_F(IngestRules, SplitLinesCountOnceWithTheLargestOutput) {
  Write("-w-app/s1.jsonl",
        Assistant("a", "m1", "r1", 3, "2026-10-01T10:00:00.000Z") +
            Assistant("b", "m1", "r1", 250, "2026-10-01T10:00:01.000Z", "", "second block") +
            Assistant("c", "m1", "r1", 7, "2026-10-01T10:00:02.000Z"));
  Ingest();
  EXPECT_EQ(Int("SELECT count(*) FROM messages WHERE type='assistant'"), 1);
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 250);
  EXPECT_EQ(Int("SELECT input_tokens FROM sessions"), 10);
  EXPECT_EQ(Int("SELECT sum(output_tokens) FROM usage_rollup"), 250);
  EXPECT_EQ(Int("SELECT timestamp FROM messages"), *ParseTimestamp("2026-10-01T10:00:01.000Z"));
  Stmt t(*db_, "SELECT content_text FROM messages");
  ASSERT_TRUE(t.Step());
  EXPECT_EQ(t.Text(0), "hi\nsecond block");
  EXPECT_NEAR(Real("SELECT cost_usd FROM sessions"), (10 * 3.0 + 250 * 15.0 + 100 * 0.3) / 1e6,
              1e-12);
}

TEST_F(IngestRules, ResumedCopiesInAnotherFileDoNotCountAgain) {
  Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 40, "2026-10-01T10:00:00.000Z"));
  Write("-w-app/s1/subagents/agent-abc.jsonl",
        Assistant("z", "m1", "r1", 40, "2026-10-01T11:00:00.000Z", R"(,"isSidechain":true)"));
  Ingest();
  EXPECT_EQ(Int("SELECT sum(output_tokens) FROM sessions"), 40);
  EXPECT_EQ(Int("SELECT count(*) FROM messages"), 1);
}

TEST_F(IngestRules, ProgressCopiesCountOnlyWhenTheSubagentFileIsMissing) {
  std::string progress =
      R"({"type":"progress","sessionId":"s1","cwd":"/w/app","data":{"type":"agent_progress",)"
      R"("agentId":"a1","message":{"type":"assistant","requestId":"rq","timestamp":"2026-10-01T10:00:00.000Z",)"
      R"("message":{"id":"mq","model":"claude-haiku-4-5","usage":{"input_tokens":1,"output_tokens":5}}}}})"
      "\n";
  Write("-w-app/s1.jsonl", progress);
  Ingest();
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 5);
  // The subagent's own file arrives with the final usage: replaces, never adds.
  Write("-w-app/s1/subagents/agent-a1.jsonl",
        R"({"type":"assistant","sessionId":"s1","isSidechain":true,"agentId":"a1","uuid":"q",)"
        R"("timestamp":"2026-10-01T10:00:00.000Z","requestId":"rq","message":{"id":"mq",)"
        R"("model":"claude-haiku-4-5","usage":{"input_tokens":1,"output_tokens":80}}})"
        "\n");
  Ingest();
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 80);
  EXPECT_EQ(Int("SELECT output_tokens FROM subagents WHERE id='a1'"), 80);
  EXPECT_EQ(Int("SELECT sum(output_tokens) FROM usage_rollup"), 80);
}

TEST_F(IngestRules, CompactionFilesCostTheSessionAndAreNoSubagent) {
  Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 40, "2026-10-01T10:00:00.000Z"));
  Write("-w-app/s1/subagents/agent-acompact-1a2b3c.jsonl",
        Assistant("k", "m2", "r2", 60, "2026-10-01T10:05:00.000Z",
                  R"(,"isSidechain":true,"agentId":"acompact")"));
  Ingest();
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 100);
  EXPECT_EQ(Int("SELECT count(*) FROM subagents"), 0);
}

TEST_F(IngestRules, ToolResultsPairByIdInAnyOrder) {
  std::string result =
      R"({"type":"user","sessionId":"s1","uuid":"r","timestamp":"2026-10-01T10:00:05.000Z",)"
      R"("message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"no","is_error":true}]}})"
      "\n";
  std::string call =
      R"({"type":"assistant","sessionId":"s1","uuid":"c","requestId":"r9",)"
      R"("timestamp":"2026-10-01T10:00:00.000Z","message":{"id":"m9","model":"x",)"
      R"("content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}]}})"
      "\n";
  Write("-w-app/s1.jsonl", result + call + result);  // result first, then a duplicate
  Ingest();
  EXPECT_EQ(Int("SELECT count(*) FROM tool_calls"), 1);
  EXPECT_EQ(Int("SELECT tool_call_count FROM sessions"), 1);
  EXPECT_EQ(Int("SELECT tool_error_count FROM sessions"), 1);
  EXPECT_EQ(Int("SELECT success FROM tool_calls WHERE id='t1'"), 0);
}

TEST_F(IngestRules, ACallAndItsResultMakeOneRowInOneTransactionOrTwo) {
  auto call = [](const std::string& id, const std::string& msg) {
    return R"({"type":"assistant","sessionId":"s1","cwd":"/w/app","uuid":"c-)" + id +
           R"(","requestId":"r-)" + msg + R"(","timestamp":"2026-10-01T10:00:00.000Z",)" +
           R"("message":{"id":")" + msg + R"(","model":"x","content":[{"type":"tool_use","id":")" +
           id + R"(","name":"Read","input":{"file_path":"/w/app/)" + id + R"("}}]}})" + "\n";
  };
  auto result = [](const std::string& id, const std::string& out) {
    return R"({"type":"user","sessionId":"s1","uuid":"u-)" + id +
           R"(","timestamp":"2026-10-01T10:00:02.000Z","message":{"content":[{"type":)" +
           R"("tool_result","tool_use_id":")" + id + R"(","content":")" + out + R"("}]},)" +
           R"("toolUseResult":{"stdout":")" + out + R"(","stderr":"","durationMs":40}})" + "\n";
  };
  // t1: call, a copy of the call, its result, all in one file (one transaction).
  // t2: the call now, its result in a later import (a second transaction).
  Write("-w-app/s1.jsonl",
        call("t1", "m1") + call("t1", "m1") + result("t1", "one") + call("t2", "m2"));
  Ingest();
  EXPECT_EQ(Int("SELECT count(*) FROM tool_calls"), 2);
  EXPECT_EQ(Int("SELECT tool_call_count FROM sessions"), 2);
  EXPECT_EQ(Int("SELECT count(*) FROM tool_calls WHERE id='t2' AND result_at IS NULL"), 1);
  Write("-w-app/s1.jsonl", result("t2", "two"), true);
  // A resumed copy of t1's call and result in another file counts nothing again.
  Write("-w-app/s2.jsonl", call("t1", "m1") + result("t1", "one"));
  Ingest();
  EXPECT_EQ(Int("SELECT tool_call_count FROM sessions"), 2);
  EXPECT_EQ(Int("SELECT sum(tool_calls) FROM usage_rollup"), 2);
  for (const char* id : {"t1", "t2"}) {
    Stmt q(*db_,
           "SELECT tool_name, file_path, message_id, success, duration_ms, stdout_preview, "
           "result_at IS NOT NULL FROM tool_calls WHERE id=?1");
    q.Bind(1, id);
    ASSERT_TRUE(q.Step()) << id;
    EXPECT_EQ(q.Text(0), "Read");
    EXPECT_EQ(q.Text(1), std::string("/w/app/") + id);
    EXPECT_EQ(q.Text(2), id == std::string("t1") ? "m1" : "m2");
    EXPECT_EQ(q.Int(3), 1);
    EXPECT_EQ(q.Int(4), 40);
    EXPECT_EQ(q.Text(5), id == std::string("t1") ? "one" : "two");
    EXPECT_EQ(q.Int(6), 1);
  }
}

// Long outputs are stored compressed (packed by the reader thread), short ones as text; the
// API reads both back as the transcript's text.
TEST_F(IngestRules, ToolOutputsAreStoredPackedWhenLongAndReadBackWhole) {
  std::string text, escaped;  // the output, and as the transcript's JSON writes it
  for (int i = 0; text.size() < 1500; ++i) {
    std::string l = "src/file" + std::to_string(i) + ".cc: ok";
    text += l + "\n";
    escaped += l + "\\n";
  }
  auto line = [](const std::string& id, const std::string& out, const std::string& uuid_suffix) {
    return R"({"type":"assistant","sessionId":"s1","cwd":"/w/app","uuid":"c)" + uuid_suffix +
           R"(","requestId":"r)" + uuid_suffix + R"(","timestamp":"2026-10-01T10:00:00.000Z",)" +
           R"("message":{"id":"m)" + uuid_suffix +
           R"(","model":"x","content":[{"type":"tool_use","id":")" + id +
           R"(","name":"Bash","input":{"command":"ls"}}]}})" + "\n" +
           R"({"type":"user","sessionId":"s1","uuid":"u)" + uuid_suffix +
           R"(","timestamp":"2026-10-01T10:00:02.000Z","message":{"content":[{"type":)" +
           R"("tool_result","tool_use_id":")" + id + R"(","content":"x"}]},)" +
           R"("toolUseResult":{"stdout":")" + out + R"(","stderr":"","durationMs":40}})" + "\n";
  };
  Write("-w-app/s1.jsonl", line("t1", escaped, "1") + line("t2", "short", "2"));
  Ingest();
  EXPECT_EQ(Int("SELECT typeof(stdout_preview) = 'blob' FROM tool_calls WHERE id='t1'"), 1);
  EXPECT_LT(Int("SELECT length(stdout_preview) FROM tool_calls WHERE id='t1'"),
            int64_t(text.size()) / 2);
  EXPECT_EQ(Int("SELECT typeof(stdout_preview) = 'text' FROM tool_calls WHERE id='t2'"), 1);
  ToolCallListFilter all;
  all.page = {10, 0, false};
  auto calls = ListToolCalls(*db_, all);
  ASSERT_EQ(calls["tool_calls"].size(), 2u);
  EXPECT_EQ(calls["tool_calls"][0]["stdout_preview"], text);
  EXPECT_EQ(calls["tool_calls"][1]["stdout_preview"], "short");
}

TEST_F(IngestRules, AResponseContinuedInAnotherFileKeepsOneRowAndItsWholeText) {
  // The writer forgets a file's responses when the file ends; a later file continuing one
  // (in the same transaction, then in the next one) reads it back.
  Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 3, "2026-10-01T10:00:00.000Z", "", "alpha"));
  Write("-w-app/s1/subagents/agent-abc.jsonl",
        Assistant("b", "m1", "r1", 90, "2026-10-01T10:00:01.000Z", "", "bravo"));
  Ingest();
  EXPECT_EQ(Int("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 90);
  Write("-w-app/s1/subagents/agent-abc.jsonl",
        Assistant("c", "m1", "r1", 120, "2026-10-01T10:00:02.000Z", "", "charlie"), true);
  Ingest();
  EXPECT_EQ(Int("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 120);
  EXPECT_EQ(Int("SELECT sum(output_tokens) FROM usage_rollup"), 120);
  Stmt t(*db_, "SELECT content_text FROM messages");
  ASSERT_TRUE(t.Step());
  EXPECT_EQ(t.Text(0), "alpha\nbravo\ncharlie");
  for (const char* word : {"alpha", "bravo", "charlie"}) {
    EXPECT_EQ(Int(std::string("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '") +
                  word + "'"),
              1)
        << word;
  }
  db_->Exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)");
}

TEST_F(IngestRules, AFirstImportIndexesAResponseGrownInALaterBatchOnce) {
  // One file per transaction: the agent file continues a response the previous transaction
  // stored, so the first import's index build (store/fts_build.h) must take the old text out
  // before it indexes the whole one.
  Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 3, "2026-10-01T10:00:00.000Z", "", "alpha"));
  Write("-w-app/s1/subagents/agent-abc.jsonl",
        Assistant("b", "m1", "r1", 90, "2026-10-01T10:00:01.000Z", "", "bravo"));
  Ingestor ing(*db_, &cfg_.prices);
  ing.set_batch_rows(1);
  ing.IngestTree({root_});
  EXPECT_FALSE(HasDeferredFts(*db_));
  EXPECT_FALSE(fs::exists(FtsBuild::PathFor(db_->path())));
  for (const char* word : {"alpha", "bravo"}) {
    EXPECT_EQ(Int(std::string("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '") +
                  word + "'"),
              1)
        << word;
  }
  EXPECT_NO_THROW(
      db_->Exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)"));
}

TEST_F(IngestRules, GrowingTruncatedAndHalfWrittenFiles) {
  std::string path =
      Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 10, "2026-10-01T10:00:00.000Z"));
  Ingest();
  // A half-written line waits for its newline.
  std::string second = Assistant("b", "m2", "r2", 20, "2026-10-01T10:01:00.000Z");
  Write("-w-app/s1.jsonl", second.substr(0, 40), true);
  auto stats = Ingest();
  EXPECT_EQ(stats.skipped, 0);
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 10);
  Write("-w-app/s1.jsonl", second.substr(40), true);
  Ingest();
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 30);
  EXPECT_EQ(Int("SELECT offset FROM files"), int64_t(fs::file_size(path)));
  // Replaced by a shorter file: read again from the start, without double counting.
  Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 10, "2026-10-01T10:00:00.000Z"));
  Ingest();
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 30);
  EXPECT_EQ(Int("SELECT count(*) FROM messages"), 2);
  // The first import deferred the secondary indexes (store/bulk_load.h); they are all back.
  EXPECT_EQ(Int("SELECT count(*) FROM sqlite_schema WHERE type='index' AND name IN "
                "('messages_session', 'messages_time', 'tool_calls_session', 'tool_calls_time', "
                "'tool_calls_name', 'subagents_started', 'compactions_session')"),
            7);
  EXPECT_EQ(Int("SELECT count(*) FROM meta WHERE key='deferred_indexes'"), 0);
}

TEST_F(IngestRules, MalformedLinesAreSkippedCountedAndReported) {
  Write("-w-app/s1.jsonl", "garbage\n" +
                               Assistant("a", "m1", "r1", 10, "2026-10-01T10:00:00.000Z") +
                               "{\"type\":\"user\",\n");
  auto stats = Ingest();
  EXPECT_EQ(stats.skipped, 2);
  EXPECT_EQ(Int("SELECT count(*) FROM ingest_errors"), 2);
  EXPECT_EQ(Int("SELECT skipped FROM files"), 2);
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions"), 10);
  Ingest();
  EXPECT_EQ(Int("SELECT skipped FROM files"), 2);
}

TEST_F(IngestRules, UnknownModelsAreUnpricedAndPriceChangesRecompute) {
  std::string line = Assistant("a", "m1", "r1", 1000, "2026-10-01T10:00:00.000Z");
  std::string mystery = line;
  mystery.replace(mystery.find("claude-sonnet-4-5-20250929"), 26, "claude-mystery-9");
  Write("-w-app/s1.jsonl", line + mystery.replace(mystery.find("\"m1\""), 4, "\"m2\""));
  Ingest();
  EXPECT_EQ(Int("SELECT unpriced_messages FROM sessions"), 1);
  double before = Real("SELECT cost_usd FROM sessions");
  // Double the Sonnet 4.5 prices.
  Config next = SonnetPricesTimes(2);
  EXPECT_EQ(RecomputeCosts(*db_, next.prices), 1);
  EXPECT_NEAR(Real("SELECT cost_usd FROM sessions"), 2 * before, 1e-12);
  EXPECT_NEAR(Real("SELECT sum(cost_usd) FROM usage_rollup"), 2 * before, 1e-12);
  EXPECT_NEAR(Real("SELECT sum(cost_usd) FROM model_rollup"), 2 * before, 1e-12);
}

TEST_F(IngestRules, APriceChangeKeepsTheCostOfAResponseWithoutATimestamp) {
  std::string timed = Assistant("a", "m1", "r1", 1000, "2026-10-01T10:00:00.000Z");
  std::string untimed = Assistant("b", "m2", "r2", 500, "");
  const std::string no_time = R"("timestamp":"",)";
  untimed.erase(untimed.find(no_time), no_time.size());
  Write("-w-app/s1.jsonl", timed + untimed);
  Ingest();
  ASSERT_EQ(Int("SELECT count(*) FROM messages WHERE type='assistant' AND timestamp IS NULL"), 1);
  const double before = Real("SELECT cost_usd FROM sessions");
  ASSERT_NEAR(Real("SELECT sum(cost_usd) FROM usage_rollup"), before, 1e-12);
  Config next = SonnetPricesTimes(3);
  EXPECT_EQ(RecomputeCosts(*db_, next.prices), 2);
  EXPECT_NEAR(Real("SELECT cost_usd FROM sessions"), 3 * before, 1e-12);
  EXPECT_NEAR(Real("SELECT sum(cost_usd) FROM usage_rollup"), 3 * before, 1e-12);
  EXPECT_NEAR(Real("SELECT sum(cost_usd) FROM model_rollup"), 3 * before, 1e-12);
}

// A server keeps its Ingestor and hands it the price book of the moment (cli/live.cc): a
// response ingested after a change is priced with the new book, not the model the writer
// matched before.
TEST_F(IngestRules, AnIngestorPricesNewLinesWithTheBookItWasLastGiven) {
  Write("-w-app/s1.jsonl", Assistant("a", "m1", "r1", 1000, "2026-10-01T10:00:00.000Z"));
  Ingestor ing(*db_, &cfg_.prices);
  ing.IngestTree({root_});
  const double first = Real("SELECT cost_usd FROM messages WHERE id='m1'");
  ASSERT_GT(first, 0);
  {
    auto next = std::make_unique<Config>(SonnetPricesTimes(2));
    ing.set_prices(&next->prices);
    Write("-w-app/s2.jsonl", Assistant("b", "m2", "r2", 1000, "2026-10-01T11:00:00.000Z"));
    ing.IngestTree({root_});
    ing.set_prices(nullptr);
  }  // the book the writer matched against is gone
  EXPECT_NEAR(Real("SELECT cost_usd FROM messages WHERE id='m2'"), 2 * first, 1e-12);
  ing.set_prices(&cfg_.prices);
  Write("-w-app/s3.jsonl", Assistant("c", "m3", "r3", 1000, "2026-10-01T12:00:00.000Z"));
  ing.IngestTree({root_});
  EXPECT_NEAR(Real("SELECT cost_usd FROM messages WHERE id='m3'"), first, 1e-12);
}

// IngestTree's reader thread runs ahead of the writer: when the writer fails, the error reaches
// the caller, the reader stops, and nothing of the failed batch is kept.
TEST_F(IngestRules, AWriterErrorReachesTheCallerAndStopsTheReader) {
  // ~40 MB: more than the reader may queue ahead (16 MB), so that it is still reading, held by
  // the full queue, when the writer fails.
  const std::string text(12000, 'x');
  for (int f = 0; f < 30; ++f) {
    std::string lines;
    for (int i = 0; i < 100; ++i) {
      std::string id = std::to_string(f) + "-" + std::to_string(i);
      lines += Assistant("u" + id, "m" + id, "r" + id, 5, "2026-10-01T10:00:00.000Z", "", text);
    }
    Write("-w-app/s" + std::to_string(f) + ".jsonl", lines);
  }
  db_->Exec(
      "CREATE TEMP TRIGGER fail AFTER INSERT ON messages WHEN NEW.rowid > 1500 "
      "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
  {
    Ingestor ing(*db_, &cfg_.prices);
    ing.set_batch_rows(1000);
    try {
      ing.IngestTree({root_});
      ADD_FAILURE() << "the writer's error was swallowed";
    } catch (const DbError& e) {
      EXPECT_NE(std::string(e.what()).find("disk on fire"), std::string::npos) << e.what();
    }
  }  // the writer rolls back what it had not committed
  db_->Exec("DROP TRIGGER fail");
  // The first committed batch stayed; a second import (from the stored offsets) reads the rest.
  const int64_t kept = Int("SELECT count(*) FROM messages");
  EXPECT_GE(kept, 1000);
  EXPECT_LE(kept, 1500);
  // The failed first import left its full-text index to be rebuilt (store/fts_build.h).
  EXPECT_TRUE(HasDeferredFts(*db_));
  auto stats = Ingest();
  EXPECT_EQ(Int("SELECT count(*) FROM messages"), 3000);
  EXPECT_EQ(Int("SELECT sum(message_count) FROM sessions"), 3000);
  EXPECT_EQ(stats.skipped, 0);
  EXPECT_FALSE(HasDeferredFts(*db_));
  EXPECT_EQ(Int("SELECT count(*) FROM messages_fts_docsize"), 3000);  // every text, once
  EXPECT_NO_THROW(
      db_->Exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)"));
}

TEST_F(IngestRules, ScannerClassifiesLayoutsAndSkipsNonTranscripts) {
  Write("-w-app/s1.jsonl", "");
  Write("-w-app/agent-1234abcd.jsonl", "");
  Write("-w-app/s1/subagents/agent-a1.jsonl", "");
  Write("-w-app/s1/subagents/agent-a1.meta.json", "{}");
  Write("-w-app/s1/subagents/workflows/wf1/agent-w1.jsonl", "");
  Write("-w-app/s1/subagents/workflows/wf1/journal.jsonl", "");
  Write("-w-app/s1/tool-results/x.jsonl", "");
  Write("-w-app/memory/notes.jsonl", "");
  auto files = FindTranscripts(root_);
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(files[0].ctx.session_id, "s1");
  EXPECT_FALSE(files[0].ctx.is_subagent_file);
  for (size_t i = 1; i < files.size(); ++i)
    EXPECT_TRUE(files[i].ctx.is_subagent_file);
  EXPECT_TRUE(files.back().is_meta_json);
  EXPECT_EQ(files.back().ctx.agent_id, "a1");
  EXPECT_EQ(files.back().ctx.session_id, "s1");
}

TEST_F(IngestRules, ScannerListsEveryProjectInOneOrderWithSizes) {
  // Enough project directories for both walking threads, a file at the top, a top-level
  // memory directory and a symlinked project (not entered, as a single walk would not).
  std::vector<std::string> mains, subs;
  for (int p = 0; p < 9; ++p) {
    const std::string proj = "-w-p" + std::to_string(p);
    for (int s = 0; s < 3; ++s) {
      const std::string sid = "s" + std::to_string(p) + std::to_string(s);
      mains.push_back(Write(proj + "/" + sid + ".jsonl", std::string(size_t(p * 10 + s), 'x')));
      subs.push_back(Write(proj + "/" + sid + "/subagents/agent-" + sid + ".jsonl", "{}"));
    }
  }
  mains.push_back(Write("top.jsonl", "{}\n"));
  Write("memory/m.jsonl", "");
  fs::create_directory_symlink(root_ + "/-w-p0", root_ + "/-w-link");
  std::vector<std::string> want = mains;
  std::sort(want.begin(), want.end());
  std::sort(subs.begin(), subs.end());
  want.insert(want.end(), subs.begin(), subs.end());

  auto files = FindTranscripts(root_);
  std::vector<std::string> got;
  for (const auto& f : files) {
    got.push_back(f.path);
    EXPECT_EQ(f.size, int64_t(fs::file_size(f.path))) << f.path;
  }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace cs
