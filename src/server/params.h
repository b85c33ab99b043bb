// Query-parameter parsing for handlers: turns the raw strings of a Request into validated
// values (QueryFilter, limits, booleans, enums), so that every endpoint answers a bad value the
// same way.
//
// Contract: pure functions, thread-safe. A bad value throws RequestError 400 whose field is
// the parameter's name and whose message is one human sentence. An empty value ("?project=")
// counts as absent: HTML forms and the dashboard send empty fields for "no filter".
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "server/http.h"
#include "store/query_filter.h"

namespace cs {

inline constexpr int64_t kDefaultLimit = 50;
inline constexpr int64_t kMaxLimit = 1000;

// The value when present and non-empty.
std::optional<std::string> OptionalParam(const Request& req, const std::string& name);
// The value, or 400 "<name> is required".
std::string RequiredParam(const Request& req, const std::string& name);

// A decimal integer in [min, max] (no sign other than a leading '-', no spaces, no overflow).
std::optional<int64_t> ParseIntParam(const Request& req, const std::string& name, int64_t min,
                                     int64_t max);
// limit: default `def`; values above `max` are clamped; negative or non-integer is a 400.
int64_t ParseLimit(const Request& req, int64_t def = kDefaultLimit, int64_t max = kMaxLimit);
// offset: default 0; negative or non-integer is a 400.
int64_t ParseOffset(const Request& req);
// "true" | "false" (exactly).
std::optional<bool> ParseBoolParam(const Request& req, const std::string& name);
// One of `allowed` (exact, case-sensitive), else 400 listing the allowed values.
std::optional<std::string> ParseEnumParam(const Request& req, const std::string& name,
                                          std::initializer_list<std::string_view> allowed);
// tz=Area/City: the named zone; absent: `def`; unknown: 400.
TimeZone ParseTz(const Request& req, const TimeZone& def);
// A `from`/`to` style bound: YYYY-MM-DD in tz (an end bound is the exclusive limit after
// that day) or RFC 3339.
std::optional<int64_t> ParseTimeParam(const Request& req, const std::string& name,
                                      const TimeZone& tz, bool is_end);

// The shared filter: project, model, session_id, from, to, tz (default config timezone),
// limit, offset, order=asc|desc. A start after the end is a 400 on "from".
QueryFilter ParseQueryFilter(const Request& req, const Config& config);

// Parses a strict decimal int64 (used by the params and by path ids).
std::optional<int64_t> ParseInt64(std::string_view s);

}  // namespace cs
