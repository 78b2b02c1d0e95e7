// Whole training runs on a tiny drawn dataset (base 4 filters, 32 px): outputs, fixed-seed
// reproducibility, resume equal to an uninterrupted run, split reuse, cross-validation.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <csignal>

#include "core/error.hpp"
#include "model/model_file.hpp"
#include "tiny_dataset.hpp"
#include "train/checkpoint.hpp"
#include "train/cross_validation.hpp"
#include "train/trainer.hpp"

namespace fs = std::filesystem;
using namespace xnet;

namespace {

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Trainer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("xnet_trainer_test_" + std::to_string(::getpid()));
    fs::create_directories(root_);
    test::write_tiny_dataset(root_ / "data", 15, 40, 3);
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  TrainOptions tiny(const std::string& run, int epochs) const {
    TrainOptions o;
    o.data = root_ / "data";
    o.out = root_ / run;
    o.base_filters = 4;
    o.input_size = 32;
    o.epochs = epochs;
    o.batch_size = 4;
    o.threads = 1;
    o.device = "cpu";
    o.seed = 5;
    o.quiet = true;
    o.augment = false;  // augmentation is only switched on where a test is about it
    return o;
  }

  static fs::path root_;
};

fs::path Trainer::root_;

}  // namespace

TEST_F(Trainer, WritesEveryOutputOfTheContract) {
  const TrainResult r = train(tiny("outputs", 2));
  const fs::path run = root_ / "outputs";
  EXPECT_EQ(r.epochs, 2);
  const std::string history = slurp(run / "history.csv");
  EXPECT_EQ(history.substr(0, history.find('\n')),
            "epoch,train_loss,val_loss,val_accuracy,val_weighted_f1,lr,seconds");
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), 3);
  EXPECT_EQ(slurp(run / "split.csv").rfind("image,split\n", 0), 0u);
  const auto metrics = nlohmann::json::parse(slurp(run / "metrics.json"));
  EXPECT_TRUE(metrics.at("accuracy").is_number());
  EXPECT_TRUE(metrics.at("per_class").contains("bone"));
  const auto model = model::load_model(run / "model.pt");
  EXPECT_EQ(model.meta.input_size, 32);
  EXPECT_EQ(model.meta.network.base_filters, 4);
  EXPECT_EQ(model.meta.classes.size(), 3u);
  EXPECT_TRUE(fs::exists(run / "examples" / "best_1_image.png"));
  EXPECT_TRUE(fs::exists(run / "examples" / "worst_1_errors.png"));
  // A second run into the same folder is refused rather than overwriting it.
  EXPECT_THROW(train(tiny("outputs", 2)), Error);
}

TEST_F(Trainer, FixedSeedReproducesTheLossCurveAndResumeContinuesIt) {
  // A plateau schedule: its state (not the epoch count, as cosine's) sets the learning rate, so
  // a 1-epoch run resumed to 3 must match a 3-epoch run.
  const auto plateau = [&](const std::string& run, int epochs) {
    TrainOptions o = tiny(run, epochs);
    o.schedule = "plateau";
    o.augment = true;  // augmented batches must be the same after a resume too
    return o;
  };
  train(plateau("straight", 3));
  train(plateau("again", 3));
  const std::string straight = slurp(root_ / "straight" / "history.csv");
  const auto without_seconds = [](const std::string& csv) {
    std::stringstream in(csv), out;
    std::string line;
    while (std::getline(in, line)) out << line.substr(0, line.rfind(',')) << "\n";
    return out.str();
  };
  EXPECT_EQ(without_seconds(straight), without_seconds(slurp(root_ / "again" / "history.csv")));

  // One epoch, then resume to three: same split, optimiser state and schedule give the same curve.
  train(plateau("resumed", 1));
  EXPECT_EQ(read_checkpoint_state(root_ / "resumed" / "checkpoint.pt").at("epoch"), 1);
  ResumeOverrides more;
  more.epochs = 3;
  const TrainResult r = resume_training(root_ / "resumed", more);
  EXPECT_EQ(r.epochs, 3);
  EXPECT_EQ(slurp(root_ / "resumed" / "split.csv"), slurp(root_ / "straight" / "split.csv"));
  EXPECT_EQ(without_seconds(slurp(root_ / "resumed" / "history.csv")), without_seconds(straight));
}

TEST_F(Trainer, SplitFileIsReused) {
  TrainOptions o = tiny("split_a", 1);
  o.seed = 8;
  train(o);
  TrainOptions p = tiny("split_b", 1);
  p.seed = 9;
  p.split_file = root_ / "split_a" / "split.csv";
  train(p);
  EXPECT_EQ(slurp(root_ / "split_a" / "split.csv"), slurp(root_ / "split_b" / "split.csv"));
}

TEST_F(Trainer, InterruptionLeavesAResumableRun) {
  TrainOptions o = tiny("interrupted", 10000);
  // Signal once the run has written its first checkpoint (its handlers are installed then).
  std::thread signaller([] {
    while (!fs::exists(root_ / "interrupted" / "checkpoint.pt"))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::raise(SIGTERM);
  });
  try {
    train(o);
    FAIL() << "an interrupted run must end with an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  signaller.join();
  const int done = read_checkpoint_state(root_ / "interrupted" / "checkpoint.pt").at("epoch");
  ResumeOverrides more;
  more.epochs = done + 1;
  EXPECT_EQ(resume_training(root_ / "interrupted", more).epochs, done + 1);
}

TEST_F(Trainer, CrossValidationWritesPerFoldAndSummary) {
  CrossValidationOptions cv;
  cv.train = tiny("unused", 1);
  cv.out = root_ / "cv";
  cv.folds = 3;
  const auto result = cross_validate(cv);
  const auto written = nlohmann::json::parse(slurp(root_ / "cv" / "cv.json"));
  EXPECT_EQ(written, result);
  ASSERT_EQ(written.at("per_fold").size(), 3u);
  int test_images = 0;
  for (const auto& fold : written.at("per_fold")) test_images += fold.at("test_images").get<int>();
  EXPECT_EQ(test_images, 15);
  EXPECT_TRUE(written.at("summary").at("accuracy").at("mean").is_number());
  EXPECT_TRUE(fs::exists(root_ / "cv" / "fold_3" / "metrics.json"));

  cv.out = root_ / "lco";
  cv.leave_category_out = true;
  const auto lco = cross_validate(cv);
  ASSERT_EQ(lco.at("per_fold").size(), 3u);
  EXPECT_EQ(lco.at("per_fold")[0].at("category"), "bar");
  EXPECT_EQ(lco.at("per_fold")[0].at("test_images"), 5);
}

TEST(CrossValidation, MeanAndStd) {
  const auto s = mean_and_std({1.0, 3.0, nullptr});
  EXPECT_DOUBLE_EQ(s.at("mean").get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(s.at("std").get<double>(), 1.0);
  EXPECT_TRUE(mean_and_std({nullptr}).at("mean").is_null());
}
