// IngestWriter against a real store, for what the end-to-end ingest tests cannot arrange: a
// second writer storing a row while a bulk load believes it is new.
#include "store/ingest_writer.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "store/test_seed.h"

namespace cs {
namespace {

class IngestWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = &store_.db(); }
  int64_t Int(const std::string& sql) {
    Stmt q(*db_, sql);
    EXPECT_TRUE(q.Step()) << sql;
    return q.Int(0);
  }
  static TranscriptRecord Response(int output, const std::string& text) {
    TranscriptRecord r;
    r.type = RecordType::kAssistant;
    r.kind = "response";
    r.uuid = "u-" + std::to_string(output);
    r.session_id = "s1";
    r.cwd = "/w/app";
    r.timestamp_ms = test::kT0;
    r.message_id = "m1";
    r.request_id = "r1";
    r.model = "claude-sonnet-4-5-20250929";
    r.text = text;
    Usage u;
    u.input_tokens = 10;
    u.output_tokens = output;
    r.usage = u;
    return r;
  }

  test::SeedStore store_;
  Db* db_ = nullptr;
  Config cfg_ = Config::Defaults();
  FileContext ctx_{"/p/s1.jsonl", "s1", "", false, false};
};

TEST_F(IngestWriterTest, ABulkLoadFindsAResponseAnotherWriterStoredMeanwhile) {
  IngestWriter w(*db_, &cfg_.prices);
  w.set_bulk_load(true);
  w.Begin();
  w.Apply(Response(5, "first"), ctx_, 0);
  w.Commit();
  // Another process stores (and indexes) the next response between two of this writer's
  // transactions.
  db_->Exec(
      "INSERT INTO messages(dedupe_key, id, session_id, type, kind, content_text, output_tokens) "
      "VALUES('m2' || char(31) || 'r2', 'm2', 's1', 'assistant', 'response', 'theirs', 7);"
      "INSERT INTO messages_fts(rowid, content_text) SELECT rowid, content_text FROM messages "
      "WHERE id = 'm2'");
  TranscriptRecord second = Response(9, "mine");
  second.message_id = "m2";
  second.request_id = "r2";
  w.Begin();
  w.Apply(second, ctx_, 100);                // the filter says "never stored": the insert finds out
  w.Apply(Response(50, "more"), ctx_, 200);  // a later line of the first response
  w.Commit();
  EXPECT_EQ(Int("SELECT count(*) FROM messages"), 2);
  EXPECT_EQ(Int("SELECT output_tokens FROM messages WHERE id='m2'"), 9);  // larger output wins
  EXPECT_EQ(Int("SELECT output_tokens FROM messages WHERE id='m1'"), 50);
  // The session counts its own response once and the other one only by its change of usage.
  EXPECT_EQ(Int("SELECT assistant_messages FROM sessions WHERE id='s1'"), 1);
  EXPECT_EQ(Int("SELECT output_tokens FROM sessions WHERE id='s1'"), 50 + (9 - 7));
  // Both texts grew and are searchable by their new words.
  EXPECT_EQ(Int("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'mine'"), 1);
  EXPECT_EQ(Int("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'more'"), 1);
  EXPECT_EQ(Int("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'theirs'"), 1);
  db_->Exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)");
}

}  // namespace
}  // namespace cs
