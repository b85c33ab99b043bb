// HttpMetrics: counters the HTTP server keeps for GET /metrics (requests by status code).
//
// Contract: one process-wide instance (GlobalHttpMetrics), thread-safe, never reset.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>

namespace cs {

class HttpMetrics {
 public:
  void CountResponse(int status);
  std::map<int, uint64_t> ResponsesByCode() const;

 private:
  mutable std::mutex mu_;
  std::map<int, uint64_t> by_code_;
};

HttpMetrics& GlobalHttpMetrics();

}  // namespace cs
