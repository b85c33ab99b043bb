// Time: epoch milliseconds everywhere inside claudescope; RFC 3339 at the edges; calendar
// days computed in an IANA time zone.
//
// Contract: all functions are pure and thread-safe. TimeZone wraps the system tz database
// (/usr/share/zoneinfo, via the date library); a TimeZone is cheap to copy.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"  // NowMs, for the files that take the time with the calendar

namespace date {
class time_zone;
}

namespace cs {

// Parses ISO-8601 / RFC 3339 ("2026-02-12T16:02:27.718Z", "...+02:00", fractional seconds of
// any length, or no fraction). Returns epoch milliseconds, or nullopt when malformed.
std::optional<int64_t> ParseTimestamp(std::string_view s);

// "2026-10-01T14:03:07.512Z".
std::string FormatTimestamp(int64_t epoch_ms);

// A civil date, e.g. 2026-10-01.
struct CivilDay {
  int year = 1970;
  unsigned month = 1, day = 1;
  std::string ToString() const;  // "YYYY-MM-DD"
  int64_t DaysSinceEpoch() const;
  static CivilDay FromDaysSinceEpoch(int64_t days);
  static std::optional<CivilDay> Parse(std::string_view s);  // strict "YYYY-MM-DD"
  auto operator<=>(const CivilDay&) const = default;
};

class TimeZone {
 public:
  // The machine's local zone ($TZ, then /etc/localtime; UTC when neither resolves).
  static TimeZone Local();
  static TimeZone Utc();
  // An IANA name ("Europe/Paris", "UTC") or "local"; nullopt when unknown.
  static std::optional<TimeZone> Named(std::string_view name);

  const std::string& name() const { return name_; }
  CivilDay DayOf(int64_t epoch_ms) const;
  // The first millisecond of the day in this zone (handles DST gaps: the first instant that
  // belongs to the day).
  int64_t StartOfDay(const CivilDay& day) const;
  // Offset of local time from UTC at an instant, in milliseconds.
  int64_t OffsetMs(int64_t epoch_ms) const;

 private:
  const date::time_zone* zone_ = nullptr;  // nullptr means UTC
  std::string name_ = "UTC";
};

// A `from`/`to` query value: "YYYY-MM-DD" (a day in `tz`; as an end bound it is inclusive, i.e.
// the end of that day) or RFC 3339. Returns epoch ms: for an end bound, the exclusive limit.
std::optional<int64_t> ParseRangeBound(std::string_view s, const TimeZone& tz, bool is_end);

}  // namespace cs
