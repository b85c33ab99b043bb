#include "store/schema.h"

#include <filesystem>
#include <iterator>

#include "store/bulk_load.h"
#include "store/fts_build.h"
#include "store/model_rollup.h"
#include "store/prompt_rollup.h"
#include "store/session_rollup.h"
#include "store/tool_rollup.h"

namespace cs {

namespace {

// Migration N brings the schema from version N-1 to N: its SQL, then (when set) a step that
// fills what SQL alone cannot, in the same transaction. Never edit a shipped migration: add one.
struct Migration {
  const char* sql;
  void (*fill)(Db&) = nullptr;
};

const Migration kMigrations[] = {
    // 1: the initial schema.
    {R"SQL(
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  project_path TEXT NOT NULL DEFAULT '',
  project_name TEXT NOT NULL DEFAULT '',
  cwd TEXT,
  git_branch TEXT,
  custom_title TEXT,
  ai_title TEXT,
  summary_title TEXT,
  first_prompt TEXT,
  first_prompt_at INTEGER,
  started_at INTEGER,
  last_activity_at INTEGER,
  ended_at INTEGER,
  end_reason TEXT,
  claude_version TEXT,
  entry_point TEXT,
  permission_mode TEXT,
  message_count INTEGER NOT NULL DEFAULT 0,
  assistant_messages INTEGER NOT NULL DEFAULT 0,
  user_prompt_count INTEGER NOT NULL DEFAULT 0,
  tool_call_count INTEGER NOT NULL DEFAULT 0,
  tool_error_count INTEGER NOT NULL DEFAULT 0,
  subagent_count INTEGER NOT NULL DEFAULT 0,
  compaction_count INTEGER NOT NULL DEFAULT 0,
  api_error_count INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  unpriced_messages INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_started ON sessions(started_at, id);
CREATE INDEX sessions_last ON sessions(last_activity_at, id);
CREATE INDEX sessions_project ON sessions(project_path);

CREATE TABLE session_tags (
  session_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (session_id, tag)
) WITHOUT ROWID;
CREATE INDEX session_tags_tag ON session_tags(tag);

-- type: user|assistant|system. kind: see docs/api.md. dedupe_key: "<message.id>\x1f<requestId>"
-- for assistant lines, the line uuid otherwise. For assistant rows the usage columns hold the
-- counted line (largest output_tokens) and `timestamp` is that line's time.
CREATE TABLE messages (
  rowid INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  parent_id TEXT,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  model TEXT,
  content_text TEXT NOT NULL DEFAULT '',
  timestamp INTEGER,
  is_sidechain INTEGER NOT NULL DEFAULT 0,
  agent_id TEXT,
  request_id TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
  web_search_requests INTEGER NOT NULL DEFAULT 0,
  fast INTEGER NOT NULL DEFAULT 0,
  us_only INTEGER NOT NULL DEFAULT 0,
  legacy_cost_usd REAL,
  cost_usd REAL NOT NULL DEFAULT 0,
  priced INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX messages_session ON messages(session_id, timestamp);
CREATE INDEX messages_time ON messages(timestamp);

CREATE VIRTUAL TABLE messages_fts USING fts5(
  content_text, content='messages', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 2');

-- A row can be created by its result before its call is seen (tool_name NULL until then).
CREATE TABLE tool_calls (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  message_id TEXT,
  tool_name TEXT,
  input TEXT,
  file_path TEXT,
  success INTEGER,
  error TEXT,
  duration_ms INTEGER,
  stdout_preview TEXT,
  stderr_preview TEXT,
  timestamp INTEGER,
  result_at INTEGER,
  is_sidechain INTEGER NOT NULL DEFAULT 0,
  agent_id TEXT
);
CREATE INDEX tool_calls_session ON tool_calls(session_id, timestamp);
CREATE INDEX tool_calls_time ON tool_calls(timestamp);
CREATE INDEX tool_calls_name ON tool_calls(tool_name, timestamp);

CREATE TABLE subagents (
  session_id TEXT NOT NULL,
  id TEXT NOT NULL,
  tool_use_id TEXT,
  agent_type TEXT,
  description TEXT,
  started_at INTEGER,
  ended_at INTEGER,
  message_count INTEGER NOT NULL DEFAULT 0,
  tool_call_count INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, id)
) WITHOUT ROWID;
CREATE INDEX subagents_started ON subagents(started_at);

CREATE TABLE compactions (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  timestamp INTEGER,
  trigger TEXT,
  pre_tokens INTEGER
);
CREATE INDEX compactions_session ON compactions(session_id, timestamp);

CREATE TABLE usage_rollup (
  bucket INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  model TEXT NOT NULL,
  project_path TEXT NOT NULL,
  messages INTEGER NOT NULL DEFAULT 0,
  assistant_messages INTEGER NOT NULL DEFAULT 0,
  user_prompts INTEGER NOT NULL DEFAULT 0,
  tool_calls INTEGER NOT NULL DEFAULT 0,
  tool_errors INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, session_id, model)
) WITHOUT ROWID;
CREATE INDEX usage_rollup_project ON usage_rollup(project_path, bucket);
CREATE INDEX usage_rollup_session ON usage_rollup(session_id, model);

CREATE TABLE files (
  path TEXT PRIMARY KEY,
  inode INTEGER NOT NULL,
  size INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  lines INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);

CREATE TABLE ingest_errors (
  path TEXT NOT NULL,
  offset INTEGER NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (path, offset)
);
CREATE INDEX ingest_errors_at ON ingest_errors(at);

CREATE TABLE hook_events (
  id INTEGER PRIMARY KEY,
  session_id TEXT,
  event TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  tool_use_id TEXT,
  payload TEXT NOT NULL
);
CREATE INDEX hook_events_session ON hook_events(session_id, timestamp);
CREATE INDEX hook_events_tool ON hook_events(tool_use_id) WHERE tool_use_id IS NOT NULL;

CREATE TABLE budgets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  amount REAL NOT NULL,
  period TEXT NOT NULL,
  warning_threshold REAL NOT NULL,
  project TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE budget_alerts (
  budget_id INTEGER NOT NULL,
  period_start INTEGER NOT NULL,
  level TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (budget_id, period_start, level)
);

CREATE TABLE commits (
  repo_path TEXT NOT NULL,
  hash TEXT NOT NULL,
  session_id TEXT,
  message TEXT,
  author TEXT,
  committed_at INTEGER,
  files_changed INTEGER,
  insertions INTEGER,
  deletions INTEGER,
  PRIMARY KEY (repo_path, hash)
);
CREATE INDEX commits_session ON commits(session_id, committed_at);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
)SQL"},
    // 2: per-tool statistics read the index alone, not the wide rows (previews, inputs).
    {R"SQL(
DROP INDEX tool_calls_name;
CREATE INDEX tool_calls_name ON tool_calls(tool_name, timestamp, success, duration_ms, session_id);
)SQL"},
    // 3: prompt categories summed by the writer (store/prompt_rollup.h), filled from messages.
    {R"SQL(
CREATE TABLE prompt_rollup (
  session_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  category INTEGER NOT NULL,
  project_path TEXT NOT NULL,
  prompts INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (session_id, bucket, category)
) WITHOUT ROWID;
)SQL",
     [](Db& db) { RebuildPromptRollup(db); }},
    // 4: usage_rollup without the session, for reports that never look at one
    // (store/model_rollup.h), filled from usage_rollup.
    {R"SQL(
CREATE TABLE model_rollup (
  bucket INTEGER NOT NULL,
  model TEXT NOT NULL,
  project_path TEXT NOT NULL,
  assistant_messages INTEGER NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, model, project_path)
) WITHOUT ROWID;
)SQL",
     [](Db& db) { RebuildModelRollup(db); }},
    // 5: tool calls and errors per bucket and tool, kept by triggers (store/tool_rollup.h),
    // and the calls with a duration indexed for exact p95s, filled from tool_calls.
    {kToolRollupSchema, [](Db& db) { RebuildToolRollup(db); }},
    // 6: usage_rollup summed over models, kept by triggers (store/session_rollup.h), filled
    // from usage_rollup.
    {kSessionRollupSchema, [](Db& db) { RebuildSessionRollup(db); }},
    // 7: tool output previews may be zstd frames in BLOBs (store/preview_codec.h). Nothing is
    // rewritten (TEXT previews stay readable); the version is what makes an older claudescope,
    // which would show a BLOB's bytes as text, refuse the store.
    {""},
    // 8: previews are now written as LZ4 blocks (store/preview_codec.h); zstd frames stay
    // readable. As for 7, nothing is rewritten: the version makes a claudescope that reads zstd
    // only, and would show these previews as empty, refuse the store.
    {""},
};

static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

// Returns false when the store could not be put in WAL mode because another connection holds
// a lock on it in a rollback journal mode: a first import is running (rollback_journal.h).
bool Configure(Db& db, bool writer) {
  db.Exec("PRAGMA foreign_keys=OFF");
  db.Exec("PRAGMA temp_store=MEMORY");
  if (writer) {
    // A new store gets 16 KiB pages (an existing one keeps its size: this is then a no-op).
    // Each step up from 4 KiB made a 1 GB import faster (fewer pages to find, write and
    // balance): 8 KiB by ~12%; 16 KiB 9.2-10.0 s against 10.9-11.1 s in two alternated pairs
    // (4-5% in three later rounds of a slower hour). 32 KiB was no faster.
    db.Exec("PRAGMA page_size=16384");
  }
  // After the page size: SQLite turns a cache size given in KiB into a number of pages for the
  // page size of the moment, and keeps that number when the page size changes. Set while a new
  // store still had the default 4 KiB pages, a "32 MiB" cache held ~120 MiB of 16 KiB pages.
  // The writer's 64 MiB hold the hot index and rollup pages of a bulk import. Measured with
  // the cache really at its size, in five alternated rounds of a 1 GB import: 32 MiB 8.1-9.9 s
  // at 133 MB peak RSS, 64 MiB 8.1-9.9 s at 166 MB, the old ~120 MiB 7.8-10.7 s at 229 MB: the
  // size moves memory, hardly time. Readers keep 32 MiB and map the whole file (up to
  // SQLite's 2 GB limit): every commit by another connection empties a reader's page cache,
  // and the pages its next query needs are then read in place instead of copied in again;
  // with 256 MB mapped, the indexes a bulk import builds last (at the end of the file) were
  // copied, and the overview's API answers after a write took ~280 ms instead of ~115 ms on a
  // 1 GB store. Mapped pages are the OS's page cache, shared and dropped under memory pressure.
  db.Exec(writer ? "PRAGMA cache_size=-65536" : "PRAGMA cache_size=-32768");
  db.Exec(writer ? "PRAGMA mmap_size=0" : "PRAGMA mmap_size=2147418112");
  if (writer) {
    db.Exec("PRAGMA synchronous=NORMAL");
    try {
      db.Exec("PRAGMA journal_mode=WAL");
    } catch (const DbError& e) {
      // SQLite answers BUSY at once here (waiting could deadlock); the import puts WAL back
      // when it ends, and this connection reads and writes in the meantime as a rollback
      // journal's connections do, waiting for each of its commits.
      if (!e.busy()) throw;
      return false;
    }
  }
  return true;
}

// FTS5 writes its pending index data out as a new segment every `hashsize` bytes (1 MiB by
// default) and merges the segments again later: a 1 GB import's 200k-line transactions wrote
// dozens each. With 16 MiB its full-text indexing took 0.55-0.65 s instead of ~0.9 s, and the
// import's peak RSS did not change. The setting is kept by the table (messages_fts_config), so
// it is written once per store; not while an import holds the store in rollback mode (the
// write would wait for it), nor when another writer keeps the store busy past the timeout (a
// report must not fail for a setting): a later open does it then.
void SetFtsHashSize(Db& db) {
  constexpr int64_t kHashSize = 16 << 20;
  {
    Stmt q(db, "SELECT v FROM messages_fts_config WHERE k='hashsize'");
    if (q.Step() && q.Int(0) == kHashSize) return;
  }
  try {
    db.Exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('hashsize', " +
            std::to_string(kHashSize) + ")");
  } catch (const DbError& e) {
    if (!e.busy()) throw;
  }
}

}  // namespace

std::unique_ptr<Db> OpenStore(const std::string& path) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto db = std::make_unique<Db>(path, Db::Mode::kReadWrite);
  const bool wal = Configure(*db, true);
  auto read_version = [&] {
    Stmt st(*db, "PRAGMA user_version");
    return st.Step() ? int(st.Int(0)) : 0;
  };
  int version = read_version();
  if (version > kSchemaVersion) {
    throw DbError("database " + path + " was written by a newer claudescope (schema " +
                  std::to_string(version) + ")");
  }
  // An import that stopped before re-creating its deferred indexes (bulk_load.h): restore them
  // first, so the migrations below see the schema they were written against. Not while the
  // import that deferred them is running (it restores them itself when it ends): the record is
  // read before the lock, since a new import cannot defer while a record exists. A busy switch
  // to WAL says the same of an import through a rollback journal.
  // The same for its full-text index (store/fts_build.h).
  if (version >= 1 && wal && (HasDeferredIndexes(*db) || HasDeferredFts(*db)) &&
      !BulkLoadRunning(path)) {
    RestoreIndexes(*db);
    RestoreFts(*db);
  }
  // Each migration reads the version again under the write lock: another process opening a new
  // store at the same moment may have run it already.
  while (version < kSchemaVersion) {
    Transaction tx(*db);
    version = read_version();
    if (version >= kSchemaVersion) break;
    db->Exec(kMigrations[version].sql);
    if (kMigrations[version].fill) kMigrations[version].fill(*db);
    db->Exec("PRAGMA user_version=" + std::to_string(version + 1));
    tx.Commit();
    ++version;
  }
  if (wal) SetFtsHashSize(*db);
  return db;
}

std::unique_ptr<Db> OpenReader(const std::string& path) {
  auto db = std::make_unique<Db>(path, Db::Mode::kReadOnly);
  Configure(*db, false);
  return db;
}

}  // namespace cs
