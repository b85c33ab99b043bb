#include "core/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace cs {

namespace {

using namespace std::chrono;

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  return date::sys_days(date::year{y} / date::month{m} / date::day{d}).time_since_epoch().count();
}

}  // namespace

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 19 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, h) || s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' ||
      !Digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{unsigned(mo)}, date::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    int sign = s[pos] == '-' ? -1 : 1;
    if (!Digits(s, pos + 1, 2, oh)) return std::nullopt;
    size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':') ++mpos;
    if (!Digits(s, mpos, 2, om)) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
    pos = mpos + 2;
  } else {
    return std::nullopt;  // a timestamp without a zone is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(y, mo, d);
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + std::min(sec, 59);
  return secs * 1000 + ms - offset_min * 60000;
}

std::string FormatTimestamp(int64_t epoch_ms) {
  int64_t days = epoch_ms >= 0 ? epoch_ms / 86400000 : (epoch_ms - 86399999) / 86400000;
  int64_t rem = epoch_ms - days * 86400000;
  date::year_month_day ymd{date::sys_days{date::days{days}}};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(rem / 3600000),
                int(rem / 60000 % 60), int(rem / 1000 % 60), int(rem % 1000));
  return buf;
}

std::string CivilDay::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", year, month, day);
  return buf;
}

int64_t CivilDay::DaysSinceEpoch() const {
  return DaysFromCivil(year, month, day);
}

CivilDay CivilDay::FromDaysSinceEpoch(int64_t days) {
  date::year_month_day ymd{date::sys_days{date::days{days}}};
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day())};
}

std::optional<CivilDay> CivilDay::Parse(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || !Digits(s, 0, 4, y) || s[4] != '-' || !Digits(s, 5, 2, m) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{unsigned(m)}, date::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return CivilDay{y, unsigned(m), unsigned(d)};
}

TimeZone TimeZone::Utc() {
  return TimeZone();
}

TimeZone TimeZone::Local() {
  if (const char* tz = std::getenv("TZ"); tz && *tz) {
    std::string_view name(tz);
    if (name.starts_with(':')) name.remove_prefix(1);
    if (auto z = Named(name)) return *z;
  }
  // /etc/localtime is usually a link into the zoneinfo tree: its name avoids date's scan of
  // the whole tree (which every look-up pays once) when the machine runs on UTC.
  std::error_code ec;
  auto target = std::filesystem::read_symlink("/etc/localtime", ec).string();
  if (auto at = target.find("zoneinfo/"); !ec && at != std::string::npos) {
    std::string_view name = std::string_view(target).substr(at + 9);
    if (name == "UTC" || name == "Etc/UTC" || name == "Universal" || name == "Zulu") return Utc();
  }
  try {
    TimeZone z;
    z.zone_ = date::current_zone();
    z.name_ = std::string(z.zone_->name());
    return z;
  } catch (...) {
    return Utc();
  }
}

std::optional<TimeZone> TimeZone::Named(std::string_view name) {
  if (name == "local") return Local();
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return Utc();
  if (name.empty() || name.size() > 64) return std::nullopt;
  try {
    TimeZone z;
    z.zone_ = date::locate_zone(name);
    z.name_ = std::string(name);
    return z;
  } catch (...) {
    return std::nullopt;
  }
}

int64_t TimeZone::OffsetMs(int64_t epoch_ms) const {
  if (!zone_) return 0;
  auto info = zone_->get_info(date::sys_time<milliseconds>{milliseconds{epoch_ms}});
  return duration_cast<milliseconds>(info.offset).count();
}

CivilDay TimeZone::DayOf(int64_t epoch_ms) const {
  int64_t local = epoch_ms + OffsetMs(epoch_ms);
  int64_t days = local >= 0 ? local / 86400000 : (local - 86399999) / 86400000;
  return CivilDay::FromDaysSinceEpoch(days);
}

int64_t TimeZone::StartOfDay(const CivilDay& day) const {
  int64_t local_midnight = day.DaysSinceEpoch() * 86400000;
  if (!zone_) return local_midnight;
  // Guess with the offset at UTC midnight, then correct once with the offset at the guess.
  int64_t guess = local_midnight - OffsetMs(local_midnight);
  int64_t t = local_midnight - OffsetMs(guess);
  // In a DST gap at midnight, t can land in the previous day: the day starts at the gap's end.
  while (DayOf(t) < day)
    t += 15 * 60000;
  while (DayOf(t - 1) == day)
    t -= 15 * 60000;
  return t;
}

std::optional<int64_t> ParseRangeBound(std::string_view s, const TimeZone& tz, bool is_end) {
  if (auto day = CivilDay::Parse(s)) {
    if (!is_end) return tz.StartOfDay(*day);
    return tz.StartOfDay(CivilDay::FromDaysSinceEpoch(day->DaysSinceEpoch() + 1));
  }
  auto t = ParseTimestamp(s);
  if (!t) return std::nullopt;
  return is_end ? *t + 1 : *t;  // an instant as end bound is inclusive
}

}  // namespace cs
