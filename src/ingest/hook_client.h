// Hook client: what `claudescope hook` does with the event Claude Code writes on its stdin —
// read one JSON object (bounded in size and time), stamp it, and hand it to the running server
// over the Unix socket, or append it to the spool when no server answers.
//
// Wire framing (shared with HookReceiver, see hook_receiver.h): the client connects a
// SOCK_STREAM Unix socket, sends ONE JSON object as a single line ending in '\n', then
// shut(SHUT_WR). The server reads to EOF, hands the document to its callback and answers one
// byte: 'A' (accepted) or 'R' (rejected, e.g. not a JSON object or too large). Any answer
// means the event is handed off; no answer (connect refused, timeout, server died) means the
// client spools it. A lost answer after the server took the event therefore spools a
// duplicate: delivery is at-least-once, and only in that rare case more than once.
//
// Spool: <spool_dir>/spool-<yyyymmdd UTC>.jsonl, one event per line, each appended with one
// write() under flock(LOCK_EX) on an O_APPEND file, so parallel hooks never interleave. A hook
// that finds its open file renamed or unlinked by a replay (see ReplaySpool) reopens the path.
// Directories are created 0700, files 0600.
//
// Contract: free functions, no shared state, safe from any thread. Nothing here throws (all
// errors are reported through return values); nothing writes to stdout (RunHookCommand writes
// its one-line note to stderr).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cs {

inline constexpr size_t kMaxHookEventBytes = 16u << 20;  // 16 MiB, as POST /api/hooks

enum class HookReadStatus {
  kComplete,   // a whole JSON object (by bracket balance; not yet validated)
  kEof,        // input ended: `out` holds what there was (may be empty or partial)
  kTimeout,    // the deadline passed first: `out` holds what there was
  kTooLarge,   // more than max_bytes before the object closed
  kNotObject,  // the first non-blank byte is not '{'
  kError,      // read() failed
};

// Reads from `fd` until one top-level JSON object is complete (by tracking strings, escapes
// and bracket depth, so it never waits for EOF after the closing '}'), EOF, `budget` elapses
// or max_bytes is exceeded. Bytes after the object are left unread. A leading UTF-8 BOM and
// whitespace are skipped.
HookReadStatus ReadHookDocument(int fd, size_t max_bytes, std::chrono::milliseconds budget,
                                std::string* out);

// Validates `raw` as a JSON object and returns it as one line (no '\n' inside, none at the
// end) with "received_at": now_ms as its first key when the object has no received_at. The
// original bytes are kept otherwise (only newlines between tokens become spaces, which is
// the same JSON). Returns false and sets *error when `raw` is not a valid JSON object.
bool PrepareHookEvent(std::string_view raw, int64_t now_ms, std::string* line, std::string* error);

enum class HookSendResult { kAccepted, kRejected, kNoServer };

// Sends one prepared line over the socket framing above. kNoServer covers connect failures
// and a server that does not answer within `timeout` (applied to connect, send and the answer
// separately).
HookSendResult SendHookEvent(const std::string& socket_path, std::string_view line,
                             std::chrono::milliseconds timeout);

// Appends `line` + '\n' to today's spool file under `spool_dir` (created 0700 with its
// parents). Returns false and sets *error on failure.
bool AppendToSpool(const std::string& spool_dir, std::string_view line, int64_t now_ms,
                   std::string* error);

// The spool file name an event received at `now_ms` goes to ("spool-20261129.jsonl").
std::string SpoolFileName(int64_t now_ms);

enum class HookOutcome { kSent, kRejected, kSpooled, kDropped };

// The whole `claudescope hook`: read fd, prepare, send or spool. `*note` gets a one-line
// reason when the event was dropped (invalid input, spool failure). Never throws.
HookOutcome RunHookClient(int in_fd, const std::string& socket_path, const std::string& spool_dir,
                          std::string* note);

// The `claudescope hook` command, shared by the light launcher (src/main.cc) and the full CLI:
// RunHookClient on the socket and spool of core/paths.h's ClaudescopeHome(), with the note of a
// dropped or rejected event on stderr. Prints nothing on stdout and never throws; the caller
// exits 0 whatever happened (exit code 2 would block the user's action in Claude Code).
void RunHookCommand(int in_fd);

}  // namespace cs
