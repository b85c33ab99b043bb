#include "server/metrics.h"

namespace cs {

void HttpMetrics::CountResponse(int status) {
  std::lock_guard lock(mu_);
  ++by_code_[status];
}

std::map<int, uint64_t> HttpMetrics::ResponsesByCode() const {
  std::lock_guard lock(mu_);
  return by_code_;
}

HttpMetrics& GlobalHttpMetrics() {
  static HttpMetrics m;
  return m;
}

}  // namespace cs
