// Live-ingest hook: how `claudescope serve` starts the transcript watcher (and anything else
// that runs beside the HTTP server) without serve.cc knowing about it.
//
// Contract: serve calls StartLiveIngest once, after the server listens and before it prints
// its URL, and calls Stop() on the returned object (then destroys it) after the HTTP server
// has stopped. StartLiveIngest may return nullptr (nothing to run). It may throw
// std::runtime_error: serve then reports the message and exits 1. `ctx` stays valid until
// Stop() returns; writes to the database go through ctx->Write() (the server's only write
// connection) and events to ctx->Publish().
//
// Defined in live.cc.
#pragma once
#include <memory>
#include <string>

#include "config/config.h"
#include "server/http.h"

namespace cs {

struct LiveIngestContext {
  std::string db_path;
  std::shared_ptr<const Config> config;
  ServerContext* ctx = nullptr;
};

class LiveIngest {
 public:
  virtual ~LiveIngest() = default;
  // Stops and joins whatever Start began; called once.
  virtual void Stop() = 0;
};

std::unique_ptr<LiveIngest> StartLiveIngest(const LiveIngestContext& context);

}  // namespace cs
