#include "core/malloc_tunables.h"

#include <string_view>

namespace cs {

std::string CoreMallocTunables(const char* existing) {
  constexpr std::string_view kHugePages = "glibc.malloc.hugetlb=1";
  std::string_view have = existing ? existing : "";
  // Tunables are colon-separated name=value pairs.
  for (std::size_t start = 0; start <= have.size();) {
    std::size_t end = have.find(':', start);
    if (end == std::string_view::npos) end = have.size();
    std::string_view item = have.substr(start, end - start);
    if (item.substr(0, item.find('=')) == "glibc.malloc.hugetlb") return std::string(have);
    start = end + 1;
  }
  if (have.empty()) return std::string(kHugePages);
  return std::string(have) + ":" + std::string(kHugePages);
}

}  // namespace cs
