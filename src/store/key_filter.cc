#include "store/key_filter.h"

#include <functional>

namespace cs {

uint64_t KeyFilter::Hash(std::string_view key) {
  uint64_t h = std::hash<std::string_view>{}(key);
  return h == 0 ? 1 : h;
}

bool KeyFilter::MayContain(std::string_view key) const {
  if (slots_.empty()) return false;
  const uint64_t h = Hash(key);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots_[i] == h) return true;
    if (slots_[i] == 0) return false;
  }
}

void KeyFilter::Add(std::string_view key) {
  if ((used_ + 1) * 2 > slots_.size()) Grow();
  const uint64_t h = Hash(key);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (slots_[i] == h) return;
    if (slots_[i] == 0) {
      slots_[i] = h;
      ++used_;
      return;
    }
  }
}

void KeyFilter::Clear() {
  std::vector<uint64_t>().swap(slots_);
  used_ = 0;
}

void KeyFilter::Grow() {
  std::vector<uint64_t> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint64_t h : old) {
    if (h == 0) continue;
    size_t i = h & mask;
    while (slots_[i] != 0)
      i = (i + 1) & mask;
    slots_[i] = h;
  }
}

}  // namespace cs
