// Learning-rate schedules and early stopping, including their state round trip (resume).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "train/schedule.hpp"

using namespace xnet;

TEST(Schedule, CosineGoesFromBaseToMin) {
  LearningRateSchedule s("cosine", 1e-3, 1e-5);
  EXPECT_DOUBLE_EQ(s.learning_rate(0), 1e-3);
  EXPECT_NEAR(s.learning_rate(0.5), (1e-3 + 1e-5) / 2, 1e-12);
  EXPECT_NEAR(s.learning_rate(1.0), 1e-5, 1e-12);
  EXPECT_NEAR(s.learning_rate(3.0), 1e-5, 1e-12);
  EXPECT_THROW(LearningRateSchedule("step", 1e-3), UsageError);
}

TEST(Schedule, PlateauHalvesAfterPatienceAndRestores) {
  LearningRateSchedule s("plateau", 1.0);
  s.plateau_patience = 2;
  s.end_epoch(1.0);
  s.end_epoch(1.1);
  EXPECT_EQ(s.learning_rate(0), 1.0);
  s.end_epoch(1.2);
  EXPECT_EQ(s.learning_rate(0), 0.5);
  LearningRateSchedule r("plateau", 1.0);
  r.plateau_patience = 2;
  r.restore(nlohmann::json::parse(s.state().dump()));
  EXPECT_EQ(r.learning_rate(0), 0.5);
  r.end_epoch(1.3);
  r.end_epoch(1.3);
  EXPECT_EQ(r.learning_rate(0), 0.25);
}

TEST(EarlyStopping, StopsAfterPatienceAndSurvivesRestore) {
  EarlyStopping e(2);
  EXPECT_TRUE(e.improved(1.0));
  EXPECT_FALSE(e.improved(1.5));
  EXPECT_FALSE(e.should_stop());
  EarlyStopping r(2);
  r.restore(nlohmann::json::parse(e.state().dump()));
  EXPECT_FALSE(r.improved(1.2));
  EXPECT_TRUE(r.should_stop());
  EXPECT_EQ(r.best(), 1.0);
  EarlyStopping never(0);
  for (int i = 0; i < 10; ++i) never.improved(2.0 + i);
  EXPECT_FALSE(never.should_stop());
}
