#include "core/malloc_tunables.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(CoreMallocTunables, AsksForHugePagesWhenTheCallerSetsNothing) {
  EXPECT_EQ(CoreMallocTunables(nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(CoreMallocTunables(""), "glibc.malloc.hugetlb=1");
}

TEST(CoreMallocTunables, KeepsTheCallersOtherTunables) {
  EXPECT_EQ(CoreMallocTunables("glibc.malloc.arena_max=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  EXPECT_EQ(CoreMallocTunables("glibc.malloc.hugetlb_x=3:glibc.mem.tagging=0"),
            "glibc.malloc.hugetlb_x=3:glibc.mem.tagging=0:glibc.malloc.hugetlb=1");
}

TEST(CoreMallocTunables, TheCallersHugePageSettingWins) {
  EXPECT_EQ(CoreMallocTunables("glibc.malloc.hugetlb=0"), "glibc.malloc.hugetlb=0");
  EXPECT_EQ(CoreMallocTunables("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2");
}

}  // namespace
}  // namespace cs
