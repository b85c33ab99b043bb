#include "core/pricing.h"

#include <algorithm>
#include <cctype>

namespace cs {

PriceBook::PriceBook(std::string as_of, std::vector<ModelPrice> models, double web_search_per_1k)
    : as_of_(std::move(as_of)), models_(std::move(models)), web_search_per_1k_(web_search_per_1k) {}

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::string PriceBook::NormaliseModel(std::string_view model) {
  std::string m(model);
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  // Provider prefixes: "anthropic/claude-...", Bedrock "us.anthropic.claude-...",
  // "anthropic.claude-".
  if (auto pos = m.find("claude-"); pos != std::string::npos && pos > 0) {
    std::string_view before(m.data(), pos);
    if (before.ends_with('/') || before.ends_with('.')) m.erase(0, pos);
  }
  if (auto pos = m.find('['); pos != std::string::npos) m.erase(pos);  // "[1m]"
  if (auto pos = m.find('@'); pos != std::string::npos) m.erase(pos);  // Vertex "@20250929"
  if (auto pos = m.find(':'); pos != std::string::npos) m.erase(pos);  // Bedrock "-v1:0"
  if (m.size() > 3 && m.ends_with("-v1")) m.erase(m.size() - 3);
  if (auto pos = m.rfind('-'); pos != std::string::npos && m.size() - pos == 9 &&
                               AllDigits(std::string_view(m).substr(pos + 1))) {
    m.erase(pos);  // dated id "-20250929"
  }
  return m;
}

const ModelPrice* PriceBook::Match(std::string_view model) const {
  std::string m = NormaliseModel(model);
  const ModelPrice* best = nullptr;
  for (const auto& p : models_) {
    if (!m.starts_with(p.family)) continue;
    // "claude-opus-4" must not claim "claude-opus-45"; it may claim "claude-opus-4-0".
    if (m.size() > p.family.size() && m[p.family.size()] != '-') continue;
    if (!best || p.family.size() > best->family.size()) best = &p;
  }
  return best;
}

std::optional<double> PriceBook::Cost(std::string_view model, const Usage& u) const {
  const ModelPrice* p = Match(model);
  if (!p) return std::nullopt;
  return CostAt(*p, u);
}

double PriceBook::CostAt(const ModelPrice& price, const Usage& u) const {
  const TokenRates& r = (price.long_context && u.prompt_tokens() > price.long_context_threshold)
                            ? *price.long_context
                            : price.rates;
  double cost = (u.input_tokens * r.input + u.output_tokens * r.output +
                 u.cache_write_5m_tokens * r.cache_write_5m +
                 u.cache_write_1h_tokens * r.cache_write_1h + u.cache_read_tokens * r.cache_read) /
                1e6;
  if (u.fast) cost *= price.fast_multiplier;
  if (u.us_only) cost *= price.us_only_multiplier;
  cost += u.web_search_requests * web_search_per_1k_ / 1000.0;
  return cost;
}

}  // namespace cs
