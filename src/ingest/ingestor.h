// Ingestor: finds Claude Code transcript files, reads what is new in each (complete lines
// only, from the stored offset) and applies it through the store's IngestWriter.
//
// Contract: owns the writer and uses the write connection it is given from one thread only
// (the caller's). IngestTree() can be called again at any time and reads only what changed
// (into an empty store it builds the secondary indexes once at the end, store/bulk_load.h);
// it reads and parses on a thread of its own, a bounded queue ahead of the writer, and
// checkpoints the WAL on another (store/checkpointer.h); both end before it returns.
// IngestFile() is what serve's watcher calls per changed file, all on the caller's thread. A file
// whose inode changed or that shrank below its offset is read again from the start, without double
// counting (the writer's keys). Offsets are committed in the same transaction as the rows they
// produced. Errors reading one file are reported in IngestStats::failures and never stop the
// others.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/pricing.h"
#include "store/db.h"
#include "store/ingest_writer.h"

namespace cs {

struct ParsedLine;  // one transcript line, read and parsed (ingestor.cc)

struct TranscriptFile {
  std::string path;
  FileContext ctx;
  bool is_meta_json = false;  // agent-<id>.meta.json
  int64_t size = 0;           // bytes when found (for progress; 0 if unknown)
};

// Every transcript below `root` (a Claude Code projects directory), main files first. Walks
// the project directories on two threads.
std::vector<TranscriptFile> FindTranscripts(const std::string& root);
// What the file's place says about it (session, agent, compaction), or false to skip it.
bool ClassifyTranscript(const std::string& root, const std::string& path, TranscriptFile* out);

struct IngestStats {
  int64_t files_seen = 0, files_read = 0, bytes = 0, lines = 0, skipped = 0;
  int64_t total_bytes = 0;  // size of all files seen (for progress)
  std::vector<std::string> failures;
  std::vector<std::string> sessions_touched;
};

struct IngestProgress {
  int64_t files_done, files_total, bytes_done, bytes_total;
  // Set once, after the last file, when a first import builds its deferred indexes.
  bool building_indexes = false;
};

class Ingestor {
 public:
  Ingestor(Db& db, const PriceBook* prices);

  IngestStats IngestTree(const std::vector<std::string>& roots,
                         const std::function<void(const IngestProgress&)>& progress = {});
  // Reads what is new in one file; `stats` accumulates.
  void IngestFile(const TranscriptFile& f, IngestStats& stats);
  // Commits what is pending (IngestTree and IngestFile commit in batches by themselves).
  void Flush(IngestStats& stats);

  void set_prices(const PriceBook* prices) { writer_.set_prices(prices); }
  // Rows per transaction: larger batches are faster, smaller ones show up sooner.
  void set_batch_rows(int64_t n) { batch_rows_ = n; }
  // A first import into an empty store that nobody else has open writes through a rollback
  // journal instead of the WAL (store/rollback_journal.h): faster, but other connections then
  // wait for each commit. For the `import` command, not for a server.
  void set_rollback_first_import(bool on) { rollback_first_import_ = on; }

 private:
  struct FileCursor;
  void ApplyLines(FileCursor& cur, std::vector<ParsedLine>& lines, IngestStats& stats);
  void ApplyMeta(const TranscriptFile& f, int64_t inode, int64_t size, const std::string& text);

  Db& db_;
  IngestWriter writer_;
  class Checkpointer* checkpointer_ = nullptr;  // during IngestTree (store/checkpointer.h)
  // 200k rows: a 1 GB first import took ~10% less time than with 50k (each commit writes the
  // pages it dirtied, and the random-key indexes dirty pages all over), and a kill still loses
  // only a few seconds of work. The writer keeps one file's responses in memory, not a batch's.
  int64_t batch_rows_ = 200000;
  bool rollback_first_import_ = false;
};

}  // namespace cs
