#include "ingest/ingestor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "ingest/transcript_parser.h"
#include "store/bulk_load.h"
#include "store/checkpointer.h"
#include "store/fts_build.h"
#include "store/preview_codec.h"
#include "store/rollback_journal.h"

namespace cs {

namespace fs = std::filesystem;

namespace {

constexpr size_t kReadChunk = 1 << 20;

}  // namespace

bool ClassifyTranscript(const std::string& root, const std::string& path, TranscriptFile* out) {
  fs::path p(path);
  std::string name = p.filename().string();
  bool meta = name.ends_with(".meta.json");
  if (!meta && (!name.ends_with(".jsonl") || name == "journal.jsonl")) return false;
  // Paths come from iterating `root` (or start with it): a lexical cut is enough, where
  // fs::relative() resolved every component of both paths (a readlink per component per file).
  fs::path rel = p.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") rel = p;
  std::vector<std::string> parts;
  for (const auto& part : rel)
    parts.push_back(part.string());
  for (const auto& part : parts) {
    if (part == "memory" || part == "tool-results") return false;
  }
  TranscriptFile f;
  f.path = path;
  f.ctx.path = path;
  f.is_meta_json = meta;
  std::string stem = meta ? name.substr(0, name.size() - 10) : name.substr(0, name.size() - 6);
  // <project>/<session>/subagents/[workflows/<wf>/]agent-<id>.jsonl
  auto sub = std::find(parts.begin(), parts.end(), "subagents");
  if (sub != parts.end()) {
    f.ctx.is_subagent_file = true;
    if (sub != parts.begin()) f.ctx.session_id = *(sub - 1);
  }
  if (stem.starts_with("agent-")) {
    f.ctx.agent_id = stem.substr(6);
    f.ctx.is_subagent_file = true;  // flat 2.0-era files live beside the sessions
    if (f.ctx.agent_id.starts_with("acompact")) f.ctx.is_compaction_file = true;
  } else if (!f.ctx.is_subagent_file) {
    f.ctx.session_id = stem;
  }
  if (meta && !f.ctx.is_subagent_file) return false;
  *out = std::move(f);
  return true;
}

namespace {

// Adds `path` to `out`, with its size, when it is a transcript.
void AddTranscript(const std::string& root, const std::string& path,
                   std::vector<TranscriptFile>* out) {
  TranscriptFile f;
  if (!ClassifyTranscript(root, path, &f)) return;
  std::error_code ec;
  f.size = int64_t(fs::file_size(f.path, ec));
  if (ec) f.size = 0;
  out->push_back(std::move(f));
}

// Classifies the files below `dir` (a directory of `root`) into `out`, with their sizes.
void WalkProject(const std::string& root, const fs::path& dir, std::vector<TranscriptFile>* out) {
  std::error_code ec;
  auto it =
      fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& e = *it;
    if (e.is_directory(ec)) {
      const std::string name = e.path().filename().string();
      if (name == "memory" || name == "tool-results") it.disable_recursion_pending();
      continue;
    }
    if (e.is_regular_file(ec)) AddTranscript(root, e.path().string(), out);
  }
}

}  // namespace

std::vector<TranscriptFile> FindTranscripts(const std::string& root) {
  std::vector<TranscriptFile> files;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return files;
  // The project directories are walked by two threads (listing ~20k files and their sizes was
  // ~0.22 s of a 1 GB first import before its reader could start); the order comes from the
  // sort below either way. As in one walk of `root`, symlinked directories are not entered.
  std::vector<fs::path> dirs;
  for (auto it = fs::directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto& e = *it;
    std::error_code entry_ec;
    if (e.is_directory(entry_ec)) {
      const std::string name = e.path().filename().string();
      if (!e.is_symlink(entry_ec) && name != "memory" && name != "tool-results")
        dirs.push_back(e.path());
      continue;
    }
    if (e.is_regular_file(entry_ec)) AddTranscript(root, e.path().string(), &files);
  }
  std::vector<TranscriptFile> other;
  std::thread helper;
  if (dirs.size() > 1) {
    helper = std::thread([&] {
      for (size_t i = 1; i < dirs.size(); i += 2)
        WalkProject(root, dirs[i], &other);
    });
  }
  for (size_t i = 0; i < dirs.size(); i += helper.joinable() ? 2 : 1)
    WalkProject(root, dirs[i], &files);
  if (helper.joinable()) helper.join();
  files.insert(files.end(), std::make_move_iterator(other.begin()),
               std::make_move_iterator(other.end()));
  // Main transcripts first, then subagent files, then their meta files; by path within each,
  // so that every run reads in the same order.
  auto rank = [](const TranscriptFile& f) {
    return f.is_meta_json ? 2 : f.ctx.is_subagent_file ? 1 : 0;
  };
  std::sort(files.begin(), files.end(), [&](const TranscriptFile& a, const TranscriptFile& b) {
    int ra = rank(a), rb = rank(b);
    return ra != rb ? ra < rb : a.path < b.path;
  });
  return files;
}

Ingestor::Ingestor(Db& db, const PriceBook* prices) : db_(db), writer_(db, prices) {}

void Ingestor::Flush(IngestStats& stats) {
  if (!writer_.in_transaction()) return;
  auto touched = writer_.Commit();
  stats.sessions_touched.insert(stats.sessions_touched.end(), touched.begin(), touched.end());
  if (checkpointer_) checkpointer_->MaybeCatchUp();
}

struct ParsedLine {
  int64_t offset = 0;  // of the line's first byte
  int64_t next = 0;    // of the byte after its newline
  bool ok = true;
  std::string error;
  std::vector<TranscriptRecord> records;
};

namespace {

// The stored state of a file: where its next read starts.
struct StoredState {
  int64_t inode = -1, size = 0, offset = 0, lines = 0;
};

// Sets where reading a file of this inode and size starts, given its stored state (none: a new
// file); returns false when nothing was added since.
bool StartOf(const StoredState* st, int64_t inode, int64_t size, int64_t* offset, int64_t* lines) {
  *offset = 0;
  *lines = 0;
  if (!st) return true;
  if (st->inode == inode && size >= st->offset) {
    *offset = st->offset;
    *lines = st->lines;
  }
  return !(st->inode == inode && st->size == size && st->offset == size);
}

// Compresses tool outputs here, on the reader thread, which waits for the writer much of the
// time: the writer would otherwise spend its own time on it.
void PackOutputs(std::vector<TranscriptRecord>& records) {
  for (auto& r : records)
    for (auto& t : r.tool_results)
      t.packed_output = PackPreview(t.output_preview());
}

// Reads the complete lines of `fd` from `offset` and parses them, handing them to `emit` a read
// (up to kReadChunk bytes) at a time, until the end of the file or until `emit` returns false;
// `bytes` counts what was read. Returns an error text, or "". Bounded memory: one read plus the
// longest line.
std::string ReadLines(int fd, int64_t offset, int64_t* bytes,
                      const std::function<bool(std::vector<ParsedLine>&)>& emit) {
  thread_local TranscriptParser parser;
  // buf holds [start, end) unconsumed bytes; the padding keeps simdjson's reads in bounds.
  // Reused across files: allocating (and zeroing) a fresh megabyte per file cost more than
  // reading small files.
  thread_local std::vector<char> buf(kReadChunk + simdjson::SIMDJSON_PADDING);
  size_t start = 0, end = 0;
  int64_t consumed = offset;  // file offset of buf[start]
  std::vector<ParsedLine> lines;
  std::string failure;
  while (true) {
    if (start > 0 && start == end) start = end = 0;
    if (end + kReadChunk + simdjson::SIMDJSON_PADDING > buf.size()) {
      if (start > 0) {  // move the partial line to the front
        std::memmove(buf.data(), buf.data() + start, end - start);
        end -= start;
        start = 0;
      }
      if (end + kReadChunk + simdjson::SIMDJSON_PADDING > buf.size()) {
        buf.resize(std::max(buf.size() * 2, end + kReadChunk + simdjson::SIMDJSON_PADDING));
      }
    }
    ssize_t n = ::pread(fd, buf.data() + end, kReadChunk, consumed + int64_t(end - start));
    if (n < 0) {
      if (errno == EINTR) continue;
      failure = std::strerror(errno);
      break;
    }
    if (n == 0) break;
    end += size_t(n);
    *bytes += n;
    // Parse every complete line in [start, end).
    while (true) {
      char* nl = static_cast<char*>(std::memchr(buf.data() + start, '\n', end - start));
      if (!nl) break;
      size_t len = size_t(nl - (buf.data() + start));
      ParsedLine& line = lines.emplace_back();
      line.offset = consumed;
      line.next = consumed + int64_t(len + 1);
      line.ok = parser.Parse(std::string_view(buf.data() + start, len), line.records, &line.error);
      PackOutputs(line.records);
      consumed = line.next;
      start += len + 1;
    }
    if (!lines.empty()) {
      const bool more = emit(lines);
      lines.clear();
      if (!more) break;
    }
  }
  if (buf.size() > 4 * (kReadChunk + simdjson::SIMDJSON_PADDING)) {
    // A huge line grew the buffer: give the memory back.
    buf.assign(kReadChunk + simdjson::SIMDJSON_PADDING, 0);
    buf.shrink_to_fit();
  }
  // A last line without its newline is being written: it waits for the next read.
  return failure;
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// The writer's side of one file being read: where its committed state is.
struct Ingestor::FileCursor {
  const TranscriptFile* file = nullptr;
  int64_t inode = 0, size = 0, consumed = 0, lines = 0;
};

void Ingestor::ApplyLines(FileCursor& cur, std::vector<ParsedLine>& lines, IngestStats& stats) {
  const TranscriptFile& f = *cur.file;
  for (auto& line : lines) {
    ++cur.lines;
    ++stats.lines;
    if (!line.ok) {
      ++stats.skipped;
      writer_.RecordSkipped(f.path, line.offset, line.error);
    } else {
      for (const auto& r : line.records)
        writer_.Apply(r, f.ctx, line.offset);
    }
    cur.consumed = line.next;
    if (writer_.pending() >= batch_rows_) {
      writer_.SetFileState({f.path, cur.inode, cur.size, cur.consumed, cur.lines});
      Flush(stats);
      writer_.Begin();
    }
  }
}

void Ingestor::ApplyMeta(const TranscriptFile& f, int64_t inode, int64_t size,
                         const std::string& text) {
  TranscriptRecord r;
  writer_.Begin();
  if (TranscriptParser::ParseAgentMeta(text, r)) writer_.Apply(r, f.ctx, 0);
  writer_.SetFileState({f.path, inode, size, size, 0});
}

void Ingestor::IngestFile(const TranscriptFile& f, IngestStats& stats) {
  ++stats.files_seen;
  struct stat sb;
  if (::stat(f.path.c_str(), &sb) != 0) return;  // vanished between scan and read
  stats.total_bytes += sb.st_size;
  const int64_t inode = int64_t(sb.st_ino), size = int64_t(sb.st_size);
  std::optional<StoredState> stored;
  {
    Stmt q(db_, "SELECT inode, size, offset, lines FROM files WHERE path=?1");
    q.Bind(1, f.path);
    if (q.Step()) stored = StoredState{q.Int(0), q.Int(1), q.Int(2), q.Int(3)};
  }
  FileCursor cur{&f, inode, size, 0, 0};
  if (!StartOf(stored ? &*stored : nullptr, inode, size, &cur.consumed, &cur.lines)) return;
  if (f.is_meta_json) {
    ApplyMeta(f, inode, size, ReadWhole(f.path));
    ++stats.files_read;
    return;
  }
  int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    stats.failures.push_back(f.path + ": " + std::strerror(errno));
    return;
  }
  ++stats.files_read;
  writer_.Begin();
  std::string failure =
      ReadLines(fd, cur.consumed, &stats.bytes, [&](std::vector<ParsedLine>& lines) {
        ApplyLines(cur, lines, stats);
        return true;
      });
  ::close(fd);
  if (!failure.empty()) stats.failures.push_back(f.path + ": " + failure);
  writer_.SetFileState({f.path, inode, size, cur.consumed, cur.lines});
}

namespace {

// What the reading thread hands the writer, in file order: the start of a file (with what
// its stat and stored state say), its parsed lines a read at a time, and its end.
struct Chunk {
  size_t file = 0;
  bool begin = false, end = false;
  bool vanished = false, unchanged = false;
  int64_t inode = 0, size = 0, offset = 0, lines_before = 0;
  std::vector<ParsedLine> lines;
  std::string meta;     // a .meta.json file's text
  std::string failure;  // open or read error
  int64_t bytes = 0;    // read for this chunk
  size_t weight = 0;    // bytes of input it holds, for the queue's bound
};

// A bounded single-producer, single-consumer queue of chunks.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t max_weight) : max_weight_(max_weight) {}
  // Blocks while the queue is full; false once the consumer has stopped.
  bool Push(Chunk&& c) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return stopped_ || weight_ < max_weight_ || q_.empty(); });
    if (stopped_) return false;
    weight_ += c.weight;
    q_.push_back(std::move(c));
    not_empty_.notify_one();
    return true;
  }
  // Blocks until a chunk is there; false when the producer is done and nothing is left.
  bool Pop(Chunk* out) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return done_ || !q_.empty(); });
    if (q_.empty()) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    weight_ -= out->weight;
    not_full_.notify_one();
    return true;
  }
  void Done() {
    std::lock_guard lock(mu_);
    done_ = true;
    not_empty_.notify_all();
  }
  // The consumer hands back a chunk it is done with: the producer destroys it (DropReturned,
  // before it parses more), so that the records are freed by the thread that allocated them,
  // off the writer's time. At most about a queue's worth of chunks waits to be dropped.
  void Return(Chunk&& c) {
    std::lock_guard lock(mu_);
    returned_.push_back(std::move(c));
  }
  void DropReturned() {
    std::vector<Chunk> drop;
    {
      std::lock_guard lock(mu_);
      drop.swap(returned_);
    }
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Chunk> q_;
  std::vector<Chunk> returned_;
  size_t weight_ = 0, max_weight_;
  bool done_ = false, stopped_ = false;
};

// Input bytes that may wait, parsed, for the writer: enough to keep it busy while a file is
// opened and read, small against the memory budget (parsed records take a few times this).
constexpr size_t kQueueBytes = 16u << 20;

// The reading thread: stats, reads and parses `files` in order into `q`.
void ReadFiles(const std::vector<TranscriptFile>& files,
               const std::unordered_map<std::string, StoredState>& stored, ChunkQueue& q) {
  for (size_t i = 0; i < files.size(); ++i) {
    const TranscriptFile& f = files[i];
    Chunk head;
    head.file = i;
    head.begin = true;
    struct stat sb;
    if (::stat(f.path.c_str(), &sb) != 0) {
      head.vanished = head.end = true;
      if (!q.Push(std::move(head))) return;
      continue;
    }
    head.inode = int64_t(sb.st_ino);
    head.size = int64_t(sb.st_size);
    auto it = stored.find(f.path);
    head.unchanged = !StartOf(it == stored.end() ? nullptr : &it->second, head.inode, head.size,
                              &head.offset, &head.lines_before);
    if (head.unchanged) {
      head.end = true;
      if (!q.Push(std::move(head))) return;
      continue;
    }
    if (f.is_meta_json) {
      head.meta = ReadWhole(f.path);
      head.end = true;
      if (!q.Push(std::move(head))) return;
      continue;
    }
    int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      head.failure = std::strerror(errno);
      head.end = true;
      if (!q.Push(std::move(head))) return;
      continue;
    }
    const int64_t offset = head.offset;
    if (!q.Push(std::move(head))) {
      ::close(fd);
      return;
    }
    bool stopped = false;
    int64_t bytes = 0;
    std::string failure = ReadLines(fd, offset, &bytes, [&](std::vector<ParsedLine>& lines) {
      q.DropReturned();
      Chunk c;
      c.file = i;
      c.bytes = bytes;
      c.weight = size_t(lines.back().next - lines.front().offset);
      bytes = 0;
      c.lines = std::move(lines);
      stopped = !q.Push(std::move(c));
      return !stopped;  // the writer has given up: stop reading
    });
    ::close(fd);
    if (stopped) return;
    Chunk tail;
    tail.file = i;
    tail.end = true;
    tail.bytes = bytes;  // read after the last complete line
    tail.failure = std::move(failure);
    if (!q.Push(std::move(tail))) return;
  }
}

}  // namespace

IngestStats Ingestor::IngestTree(const std::vector<std::string>& roots,
                                 const std::function<void(const IngestProgress&)>& progress) {
  IngestStats stats;
  // A first import of this connection that failed left its full-text index to be rebuilt
  // (store/fts_build.h); OpenStore() would do it, but a server keeps its connection.
  if (HasDeferredFts(db_) && !BulkLoadRunning(db_.path())) RestoreFts(db_);
  std::vector<TranscriptFile> files;
  int64_t bytes_total = 0;
  std::unordered_set<std::string> seen;  // roots may overlap: read each file once
  for (const auto& root : roots) {
    auto found = FindTranscripts(root);
    for (auto& f : found) {
      if (!seen.insert(f.path).second) continue;
      bytes_total += f.size;
      files.push_back(std::move(f));
    }
  }
  // Every file's stored state, read once: only this writer changes them while the tree is read.
  std::unordered_map<std::string, StoredState> stored;
  {
    Stmt q(db_, "SELECT path, inode, size, offset, lines FROM files");
    while (q.Step())
      stored.emplace(q.Text(0), StoredState{q.Int(1), q.Int(2), q.Int(3), q.Int(4)});
  }
  // A first import builds the secondary indexes once at the end (store/bulk_load.h), holding
  // the lock that keeps other processes from restoring them meanwhile.
  std::optional<BulkLoadLock> bulk_lock;
  if (!files.empty() && StoreIsEmpty(db_)) bulk_lock.emplace(db_.path());
  const bool deferred = bulk_lock && bulk_lock->held() && DeferIndexes(db_);
  writer_.set_bulk_load(deferred);
  // A first import's full-text index is built beside the writer (store/fts_build.h). Should the
  // build file not be possible, the writer indexes as it goes.
  std::unique_ptr<FtsBuild> fts;
  if (deferred && db_.on_disk()) {
    try {
      fts = std::make_unique<FtsBuild>(db_);
    } catch (const DbError&) {
    }
  }
  writer_.set_fts_build(fts.get());
  struct Unset {
    IngestWriter& w;
    ~Unset() { w.set_fts_build(nullptr); }
  } unset{writer_};
  std::optional<RollbackJournal> journal;
  if (deferred && rollback_first_import_) journal.emplace(db_);
  // The WAL is copied into the database beside the writer, not inside its commits (nothing to
  // do while the journal above is active).
  Checkpointer checkpointer(db_);
  checkpointer_ = &checkpointer;
  struct Forget {
    Checkpointer*& p;
    ~Forget() { p = nullptr; }
  } forget{checkpointer_};

  // Reading and parsing run on a thread of their own, ahead of the writer (this thread), which
  // applies the files in the same order IngestFile() would.
  ChunkQueue queue(kQueueBytes);
  std::thread reader([&] {
    ReadFiles(files, stored, queue);
    queue.Done();
  });
  struct Join {
    ChunkQueue& q;
    std::thread& t;
    ~Join() {
      q.Stop();  // a writer error stops the reader too
      t.join();
    }
  } join{queue, reader};

  int64_t done = 0;
  FileCursor cur;
  bool open = false;  // a file is being applied (between its begin and end chunks)
  Chunk c;
  while (queue.Pop(&c)) {
    const TranscriptFile& f = files[c.file];
    stats.bytes += c.bytes;
    if (c.begin) {
      ++stats.files_seen;
      cur = FileCursor{&f, c.inode, c.size, c.offset, c.lines_before};
      if (!c.vanished && !c.unchanged) {
        if (f.is_meta_json) {
          ApplyMeta(f, c.inode, c.size, c.meta);
          ++stats.files_read;
        } else if (c.failure.empty()) {
          ++stats.files_read;
          writer_.Begin();
          open = true;
        }
      }
    }
    if (!c.lines.empty()) ApplyLines(cur, c.lines, stats);
    if (c.end) {
      if (!c.failure.empty()) stats.failures.push_back(f.path + ": " + c.failure);
      if (open) {
        writer_.SetFileState({f.path, cur.inode, cur.size, cur.consumed, cur.lines});
        writer_.EndFile();
      }
      open = false;
      if (writer_.pending() >= batch_rows_) Flush(stats);
      ++done;
      if (progress) progress({done, int64_t(files.size()), stats.bytes, bytes_total, false});
    }
    // Freeing a chunk's records here cost the writer ~15% of a 200 MB import (glibc frees
    // memory of another thread's arena under that arena's lock): the reader frees them.
    if (!c.lines.empty()) queue.Return(std::move(c));
  }
  Flush(stats);
  // The build's last batch and its commit overlap the index builds below.
  if (fts) fts->Close();
  if (deferred) {
    if (progress) progress({done, int64_t(files.size()), stats.bytes, bytes_total, true});
    RestoreIndexes(db_);
    writer_.set_bulk_load(false);
  }
  if (fts) {
    writer_.set_fts_build(nullptr);
    fts->Finish();
    fts.reset();
  }
  if (journal) journal->Finish();
  stats.total_bytes = bytes_total;
  return stats;
}

}  // namespace cs
