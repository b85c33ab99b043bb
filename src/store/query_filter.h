// QueryFilter: the filters and paging the API and the CLI reports share, already validated.
// Built from query parameters by server/params.h (or from CLI flags); consumed by the
// store's query files. Times are epoch ms; `to_ms` is exclusive.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/time.h"

namespace cs {

struct QueryFilter {
  std::optional<std::string> project;  // exact project_path, else project name
  std::optional<std::string> model;    // model id as stored
  std::optional<std::string> session_id;
  std::optional<int64_t> from_ms;  // inclusive
  std::optional<int64_t> to_ms;    // exclusive
  TimeZone tz = TimeZone::Local();
  int64_t limit = 50;  // 1..1000
  int64_t offset = 0;
  bool descending = true;    // order=desc
  bool order_given = false;  // whether order= was passed
};

}  // namespace cs
