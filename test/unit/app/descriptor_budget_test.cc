#include "app/descriptor_budget.h"

#include <gtest/gtest.h>

namespace antcdn::app {
namespace {

TEST(PlanDescriptors, KeepsAnEighthPlus128AndSharesTheRestByWeight) {
  DescriptorBudget b = plan_descriptors(1048576, {});
  EXPECT_EQ(b.reserved, 128U + 1048576 / 8);
  EXPECT_EQ(b.rtmp, 152896U);
  EXPECT_EQ(b.api, 152896U);
  EXPECT_EQ(b.edge, 611584U);
  EXPECT_LE(b.rtmp + b.api + b.edge + b.reserved, b.limit);
}

TEST(PlanDescriptors, SmallLimitsKeepHalfForStorageAndTheDatabase) {
  DescriptorBudget b = plan_descriptors(256, {});
  EXPECT_EQ(b.reserved, 128U);
  EXPECT_EQ(b.rtmp, 21U);
  EXPECT_EQ(b.api, 21U);
  EXPECT_EQ(b.edge, 85U);
}

TEST(PlanDescriptors, OnlyTheListenersTheNodeRunsShare) {
  DescriptorBudget edge_only = plan_descriptors(1024, {.rtmp = false, .api = false, .edge = true});
  EXPECT_EQ(edge_only.reserved, 256U);
  EXPECT_EQ(edge_only.edge, 768U);
  EXPECT_EQ(edge_only.rtmp, 0U);
  EXPECT_EQ(edge_only.api, 0U);
  DescriptorBudget ingest = plan_descriptors(1024, {.rtmp = true, .api = true, .edge = false});
  EXPECT_EQ(ingest.rtmp, 384U);
  EXPECT_EQ(ingest.api, 384U);
}

TEST(PlanDescriptors, EveryRunningListenerGetsAtLeastOneConnection) {
  DescriptorBudget b = plan_descriptors(4, {});
  EXPECT_GE(b.rtmp, 1U);
  EXPECT_GE(b.api, 1U);
  EXPECT_GE(b.edge, 1U);
}

}  // namespace
}  // namespace antcdn::app
