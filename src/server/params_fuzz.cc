// libFuzzer target for the request-parsing surface an attacker reaches first: the request
// target decoder, the query-parameter validators, the timestamp and range-bound parsers and
// the guard. Any input must give a value or a RequestError, never a crash, a hang or UB.
//
// Input layout: the bytes up to the first '\n' are a request target; the rest is parsed as a
// timestamp and as a header value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/errors.h"
#include "core/time.h"
#include "server/guard.h"
#include "server/http_util.h"
#include "server/params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const cs::Config config = [] {
    cs::Config c = cs::Config::Defaults();
    c.tz = cs::TimeZone::Utc();
    return c;
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string_view target = in.substr(0, nl);
  std::string_view rest = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  (void)cs::ParseTimestamp(rest);
  (void)cs::ParseRangeBound(rest, cs::TimeZone::Utc(), true);
  (void)cs::ParseRangeBound(rest, cs::TimeZone::Utc(), false);
  (void)cs::CivilDay::Parse(rest);
  (void)cs::ParseInt64(rest);

  cs::Request req;
  req.method = "POST";
  if (!cs::ParseTarget(target, &req.path, &req.query)) return 0;
  req.headers["host"] = std::string(rest);
  req.headers["origin"] = "http://" + std::string(rest);
  req.headers["cookie"] = std::string(rest);
  req.headers["content-length"] = std::string(rest);
  req.headers["content-type"] = std::string(rest);
  cs::GuardPolicy policy;
  policy.auth_token = "t";
  (void)cs::CheckRequest(req, policy, false);
  (void)cs::HostName(rest);

  try {
    cs::QueryFilter f = cs::ParseQueryFilter(req, config);
    if (f.limit < 0 || f.limit > cs::kMaxLimit || f.offset < 0) __builtin_trap();
    if (f.from_ms && f.to_ms && *f.from_ms >= *f.to_ms) __builtin_trap();
  } catch (const cs::RequestError& e) {
    if (e.status() != 400 || e.field().empty()) __builtin_trap();
  }
  try {
    (void)cs::ParseBoolParam(req, "active");
    (void)cs::ParseEnumParam(req, "granularity", {"day", "week", "month"});
    (void)cs::ParseIntParam(req, "n", 1, 100);
  } catch (const cs::RequestError&) {
  }
  return 0;
}
