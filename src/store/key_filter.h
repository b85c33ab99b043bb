// KeyFilter: the set of keys a bulk load has stored, kept as 64-bit hashes in one flat table, so
// that the writer can skip the lookup of a key it has certainly never stored (most keys of a
// first import). MayContain() is false only for a key never added; a hash collision only costs
// the lookup the filter would have saved. 8 bytes per slot, at most half full: 16-32 MB for a
// million keys, where a std::unordered_set of the key strings would need over 100 bytes a key.
//
// Contract: a plain value type, not thread-safe; no errors (allocation failure throws).
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace cs {

class KeyFilter {
 public:
  bool MayContain(std::string_view key) const;
  void Add(std::string_view key);
  void Clear();
  size_t size() const { return used_; }

 private:
  static uint64_t Hash(std::string_view key);
  void Grow();

  std::vector<uint64_t> slots_;  // 0 = empty; a hash of 0 is stored as 1
  size_t used_ = 0;
};

}  // namespace cs
