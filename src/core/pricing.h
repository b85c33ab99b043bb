// PriceBook: the dated per-million-token prices of Claude models and the rules that change
// a request's price (long context, fast mode, US-only inference, web search).
//
// Contract: a PriceBook is an immutable value once built; Cost() is thread-safe. Model ids are
// matched deterministically: the id is normalised (provider prefix such as "anthropic/" or
// "us.anthropic.", "@date", "-v1:0", "[1m]" and a trailing "-YYYYMMDD" removed), then the
// longest family that is a prefix of it (on a '-' boundary) wins. A model that matches no
// family is unpriced: Cost() returns nullopt, never 0.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/usage.h"

namespace cs {

struct TokenRates {  // USD per million tokens
  double input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
};

struct ModelPrice {
  std::string family;  // e.g. "claude-sonnet-4-5"
  TokenRates rates;
  // When a request's prompt tokens exceed the threshold, the whole request uses these rates.
  std::optional<TokenRates> long_context;
  int64_t long_context_threshold = 0;
  double fast_multiplier = 1.0;     // usage.speed == "fast"
  double us_only_multiplier = 1.0;  // US-only inference_geo
};

class PriceBook {
 public:
  PriceBook() = default;
  PriceBook(std::string as_of, std::vector<ModelPrice> models, double web_search_per_1k);

  // The canonical form of a model id used for matching and for grouping reports.
  static std::string NormaliseModel(std::string_view model);

  const ModelPrice* Match(std::string_view model) const;
  std::optional<double> Cost(std::string_view model, const Usage& usage) const;
  // The cost of `usage` at `price` (one of this book's models, as Match() returned it).
  double CostAt(const ModelPrice& price, const Usage& usage) const;

  const std::string& as_of() const { return as_of_; }
  const std::vector<ModelPrice>& models() const { return models_; }
  double web_search_per_1k() const { return web_search_per_1k_; }

 private:
  std::string as_of_;
  std::vector<ModelPrice> models_;
  double web_search_per_1k_ = 10.0;
};

}  // namespace cs
