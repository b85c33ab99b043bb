#include "store/key_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace cs {
namespace {

TEST(KeyFilter, AnswersNoOnlyForKeysNeverAdded) {
  KeyFilter f;
  EXPECT_FALSE(f.MayContain("msg_1\x1freq_1"));
  f.Add("msg_1\x1freq_1");
  f.Add("msg_1\x1freq_1");  // twice is once
  EXPECT_TRUE(f.MayContain("msg_1\x1freq_1"));
  EXPECT_EQ(f.size(), 1u);
  // Past several growths every added key is still there, and unknown keys mostly are not.
  for (int i = 0; i < 100000; ++i)
    f.Add("key-" + std::to_string(i));
  int misses = 0, false_hits = 0;
  for (int i = 0; i < 100000; ++i) {
    if (!f.MayContain("key-" + std::to_string(i))) ++misses;
    if (f.MayContain("other-" + std::to_string(i))) ++false_hits;
  }
  EXPECT_EQ(misses, 0);
  EXPECT_LT(false_hits, 10);  // 64-bit hashes: a collision is (almost) never seen
  EXPECT_TRUE(f.MayContain("msg_1\x1freq_1"));
  f.Clear();
  EXPECT_EQ(f.size(), 0u);
  EXPECT_FALSE(f.MayContain("key-1"));
  f.Add("again");
  EXPECT_TRUE(f.MayContain("again"));
}

}  // namespace
}  // namespace cs
