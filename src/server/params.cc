#include "server/params.h"

#include <charconv>

#include "core/errors.h"

namespace cs {

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  // from_chars accepts a leading '-' only, which is what we want; '+' and spaces are refused.
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> OptionalParam(const Request& req, const std::string& name) {
  const std::string* v = req.Query(name);
  if (!v || v->empty()) return std::nullopt;
  return *v;
}

std::string RequiredParam(const Request& req, const std::string& name) {
  auto v = OptionalParam(req, name);
  if (!v) throw RequestError::BadParam(name, name + " is required");
  return *v;
}

std::optional<int64_t> ParseIntParam(const Request& req, const std::string& name, int64_t min,
                                     int64_t max) {
  auto raw = OptionalParam(req, name);
  if (!raw) return std::nullopt;
  auto v = ParseInt64(*raw);
  if (!v) throw RequestError::BadParam(name, name + " must be an integer");
  if (*v < min || *v > max) {
    throw RequestError::BadParam(
        name, name + " must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

int64_t ParseLimit(const Request& req, int64_t def, int64_t max) {
  auto raw = OptionalParam(req, "limit");
  if (!raw) return def;
  auto v = ParseInt64(*raw);
  // Digits too many for int64 are still a non-negative integer: clamp rather than refuse.
  bool huge = !v && raw->find_first_not_of("0123456789") == std::string::npos;
  if (huge) return max;
  if (!v || *v < 0) throw RequestError::BadParam("limit", "limit must be a non-negative integer");
  return std::min(*v, max);
}

int64_t ParseOffset(const Request& req) {
  auto raw = OptionalParam(req, "offset");
  if (!raw) return 0;
  auto v = ParseInt64(*raw);
  if (!v || *v < 0) {
    throw RequestError::BadParam("offset", "offset must be a non-negative integer");
  }
  return *v;
}

std::optional<bool> ParseBoolParam(const Request& req, const std::string& name) {
  auto raw = OptionalParam(req, name);
  if (!raw) return std::nullopt;
  if (*raw == "true") return true;
  if (*raw == "false") return false;
  throw RequestError::BadParam(name, name + " must be true or false");
}

std::optional<std::string> ParseEnumParam(const Request& req, const std::string& name,
                                          std::initializer_list<std::string_view> allowed) {
  auto raw = OptionalParam(req, name);
  if (!raw) return std::nullopt;
  std::string list;
  for (auto a : allowed) {
    if (*raw == a) return raw;
    if (!list.empty()) list += ", ";
    list += a;
  }
  throw RequestError::BadParam(name, name + " must be one of: " + list);
}

TimeZone ParseTz(const Request& req, const TimeZone& def) {
  auto raw = OptionalParam(req, "tz");
  if (!raw) return def;
  auto tz = TimeZone::Named(*raw);
  if (!tz) throw RequestError::BadParam("tz", "tz must be an IANA time zone name");
  return *tz;
}

std::optional<int64_t> ParseTimeParam(const Request& req, const std::string& name,
                                      const TimeZone& tz, bool is_end) {
  auto raw = OptionalParam(req, name);
  if (!raw) return std::nullopt;
  auto v = ParseRangeBound(*raw, tz, is_end);
  if (!v) {
    throw RequestError::BadParam(name, name + " must be a date (YYYY-MM-DD) or an RFC 3339 time");
  }
  return v;
}

QueryFilter ParseQueryFilter(const Request& req, const Config& config) {
  QueryFilter f;
  f.project = OptionalParam(req, "project");
  f.model = OptionalParam(req, "model");
  f.session_id = OptionalParam(req, "session_id");
  f.tz = ParseTz(req, config.tz);
  f.from_ms = ParseTimeParam(req, "from", f.tz, false);
  f.to_ms = ParseTimeParam(req, "to", f.tz, true);
  // to_ms is the exclusive limit just after the inclusive `to`, so from == to_ms already means
  // a start after the end (from=2026-01-02&to=2026-01-01).
  if (f.from_ms && f.to_ms && *f.from_ms >= *f.to_ms) {
    throw RequestError::BadParam("from", "from must not be after to");
  }
  f.limit = ParseLimit(req);
  f.offset = ParseOffset(req);
  if (auto order = ParseEnumParam(req, "order", {"asc", "desc"})) {
    f.descending = *order == "desc";
    f.order_given = true;
  }
  return f;
}

}  // namespace cs
