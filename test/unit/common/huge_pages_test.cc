#include "common/huge_pages.h"

#include <gtest/gtest.h>

namespace antcdn {
namespace {

TEST(HugePages, AddsTheTunableToWhateverIsSet) {
  EXPECT_EQ(tunables_with_huge_pages(""), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.arena_max=2"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(HugePages, LeavesAnOperatorsOwnSettingAlone) {
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.hugetlb=0"), std::nullopt);
  EXPECT_EQ(tunables_with_huge_pages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"),
            std::nullopt);
}

}  // namespace
}  // namespace antcdn
