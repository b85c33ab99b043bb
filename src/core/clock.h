// NowMs: the wall clock in epoch milliseconds, the unit of every stored timestamp. Header-only so
// that the light `claudescope hook` launcher (which links no date library) shares it.
#pragma once
#include <chrono>
#include <cstdint>

namespace cs {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cs
