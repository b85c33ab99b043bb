// Token usage of one API request, as counted by the accounting rules
// (formats doc section 10). Plain value type; no invariants beyond non-negative counts.
#pragma once
#include <cstdint>
#include <string>

namespace cs {

struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_5m_tokens = 0;
  int64_t cache_write_1h_tokens = 0;
  int64_t web_search_requests = 0;
  bool fast = false;     // usage.speed == "fast"
  bool us_only = false;  // usage.inference_geo names US-only inference

  int64_t cache_write_tokens() const { return cache_write_5m_tokens + cache_write_1h_tokens; }
  // Everything the request read: the figure long-context pricing compares to its threshold.
  int64_t prompt_tokens() const { return input_tokens + cache_read_tokens + cache_write_tokens(); }
  int64_t total_tokens() const { return prompt_tokens() + output_tokens; }
};

// Token and cost totals over any set of messages.
struct UsageTotals {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cache_read_tokens = 0;
  int64_t cache_write_5m_tokens = 0;
  int64_t cache_write_1h_tokens = 0;
  double cost_usd = 0;
  int64_t messages = 0;

  int64_t cache_write_tokens() const { return cache_write_5m_tokens + cache_write_1h_tokens; }
  int64_t total_tokens() const {
    return input_tokens + output_tokens + cache_read_tokens + cache_write_tokens();
  }
  void Add(const Usage& u, double cost) {
    input_tokens += u.input_tokens;
    output_tokens += u.output_tokens;
    cache_read_tokens += u.cache_read_tokens;
    cache_write_5m_tokens += u.cache_write_5m_tokens;
    cache_write_1h_tokens += u.cache_write_1h_tokens;
    cost_usd += cost;
    messages += 1;
  }
};

}  // namespace cs
