#include "ingest/ingestor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ingest/transcript_parser.h"
#include "store/bulk_load.h"

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
  std::error_code ec;
  fs::path rel = fs::relative(p, root, ec);
  if (ec) rel = p;
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

std::vector<TranscriptFile> FindTranscripts(const std::string& root) {
  std::vector<TranscriptFile> files;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return files;
  auto it =
      fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& e = *it;
    std::string name = e.path().filename().string();
    if (e.is_directory(ec)) {
      if (name == "memory" || name == "tool-results") it.disable_recursion_pending();
      continue;
    }
    if (!e.is_regular_file(ec)) continue;
    TranscriptFile f;
    if (ClassifyTranscript(root, e.path().string(), &f)) files.push_back(std::move(f));
  }
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
}

void Ingestor::IngestFile(const TranscriptFile& f, IngestStats& stats) {
  ++stats.files_seen;
  struct stat sb;
  if (::stat(f.path.c_str(), &sb) != 0) return;  // vanished between scan and read
  stats.total_bytes += sb.st_size;
  int64_t inode = int64_t(sb.st_ino), size = int64_t(sb.st_size);
  int64_t offset = 0, lines = 0;
  {
    Stmt q(db_, "SELECT inode, size, offset, lines FROM files WHERE path=?1");
    q.Bind(1, f.path);
    if (q.Step()) {
      if (q.Int(0) == inode && size >= q.Int(2)) {
        offset = q.Int(2);
        lines = q.Int(3);
      }
      if (q.Int(0) == inode && q.Int(1) == size && offset == size) return;  // nothing new
    }
  }
  if (f.is_meta_json) {
    std::ifstream in(f.path);
    std::stringstream ss;
    ss << in.rdbuf();
    TranscriptRecord r;
    writer_.Begin();
    if (TranscriptParser::ParseAgentMeta(ss.str(), r)) writer_.Apply(r, f.ctx, 0);
    writer_.SetFileState({f.path, inode, size, size, 0});
    ++stats.files_read;
    return;
  }

  int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    stats.failures.push_back(f.path + ": " + std::strerror(errno));
    return;
  }
  ++stats.files_read;
  thread_local TranscriptParser parser;
  std::vector<TranscriptRecord> records;
  std::string error;
  // buf holds [start, end) unconsumed bytes; the padding keeps simdjson's reads in bounds.
  // Reused across files: allocating (and zeroing) a fresh megabyte per file cost more than
  // reading small files.
  thread_local std::vector<char> buf(kReadChunk + simdjson::SIMDJSON_PADDING);
  size_t start = 0, end = 0;
  int64_t consumed = offset;  // file offset of buf[start]
  writer_.Begin();
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
      stats.failures.push_back(f.path + ": " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    end += size_t(n);
    stats.bytes += n;
    // Consume every complete line in [start, end).
    while (true) {
      char* nl = static_cast<char*>(std::memchr(buf.data() + start, '\n', end - start));
      if (!nl) break;
      size_t len = size_t(nl - (buf.data() + start));
      std::string_view line(buf.data() + start, len);
      ++lines;
      ++stats.lines;
      records.clear();
      if (!parser.Parse(line, records, &error)) {
        ++stats.skipped;
        writer_.RecordSkipped(f.path, consumed, error);
      } else {
        for (const auto& r : records)
          writer_.Apply(r, f.ctx, consumed);
      }
      consumed += int64_t(len + 1);
      start += len + 1;
      if (writer_.pending() >= batch_rows_) {
        writer_.SetFileState({f.path, inode, size, consumed, lines});
        Flush(stats);
        writer_.Begin();
      }
    }
  }
  ::close(fd);
  if (buf.size() > 4 * (kReadChunk + simdjson::SIMDJSON_PADDING)) {
    // A huge line grew the buffer: give the memory back.
    buf.assign(kReadChunk + simdjson::SIMDJSON_PADDING, 0);
    buf.shrink_to_fit();
  }
  // A last line without its newline is being written: it waits for the next read.
  writer_.SetFileState({f.path, inode, size, consumed, lines});
}

IngestStats Ingestor::IngestTree(const std::vector<std::string>& roots,
                                 const std::function<void(const IngestProgress&)>& progress) {
  IngestStats stats;
  std::vector<TranscriptFile> files;
  int64_t bytes_total = 0;
  for (const auto& root : roots) {
    auto found = FindTranscripts(root);
    for (auto& f : found) {
      std::error_code ec;
      bytes_total += int64_t(fs::file_size(f.path, ec));
      files.push_back(std::move(f));
    }
  }
  // A first import builds the secondary indexes once at the end (store/bulk_load.h).
  const bool deferred = !files.empty() && DeferIndexes(db_);
  writer_.set_bulk_load(deferred);
  int64_t done = 0;
  for (const auto& f : files) {
    IngestFile(f, stats);
    if (writer_.pending() >= batch_rows_) Flush(stats);
    ++done;
    if (progress) progress({done, int64_t(files.size()), stats.bytes, bytes_total, false});
  }
  Flush(stats);
  if (deferred) {
    if (progress) progress({done, int64_t(files.size()), stats.bytes, bytes_total, true});
    RestoreIndexes(db_);
    writer_.set_bulk_load(false);
  }
  stats.total_bytes = bytes_total;
  return stats;
}

}  // namespace cs
