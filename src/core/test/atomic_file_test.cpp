#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace fs = std::filesystem;

TEST(AtomicFile, WritesTextAndLeavesNoTemporary) {
  const fs::path dir = fs::temp_directory_path() / "xnet_atomic_test";
  fs::remove_all(dir);
  xnet::ensure_directory(dir);
  xnet::write_text_atomically(dir / "a.json", "{}");
  std::ifstream in(dir / "a.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "{}");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFile, FailedWriteKeepsOldTargetAndRemovesTemporary) {
  const fs::path dir = fs::temp_directory_path() / "xnet_atomic_test2";
  fs::remove_all(dir);
  xnet::ensure_directory(dir);
  xnet::write_text_atomically(dir / "a.txt", "old");
  EXPECT_THROW(xnet::write_atomically(dir / "a.txt",
                                      [](const fs::path& tmp) {
                                        std::ofstream(tmp) << "half";
                                        throw xnet::Error("disk full");
                                      }),
               xnet::Error);
  std::ifstream in(dir / "a.txt");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

namespace {

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), {}};
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / (name + std::to_string(::getpid()));
  fs::remove_all(dir);
  xnet::ensure_directory(dir);
  return dir;
}

}  // namespace

TEST(FileSet, CommitReplacesTheOlderSetWhole) {
  const fs::path dir = fresh_dir("xnet_fileset_commit");
  xnet::write_text_atomically(dir / "a_mask.png", "old mask");
  xnet::write_text_atomically(dir / "a.json", "old json");
  {
    xnet::FileSet set;
    std::ofstream(set.stage(dir / "a_mask.png")) << "new mask";
    std::ofstream(set.stage(dir / "a.json")) << "new json";
    EXPECT_EQ(text_of(dir / "a.json"), "old json");  // nothing replaced before the commit
    set.commit();
  }
  EXPECT_EQ(text_of(dir / "a_mask.png"), "new mask");
  EXPECT_EQ(text_of(dir / "a.json"), "new json");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 2);
}

TEST(FileSet, AFailureLeavesNoneOfTheSet) {
  const fs::path dir = fresh_dir("xnet_fileset_fail");
  xnet::write_text_atomically(dir / "a_mask.png", "old mask");
  xnet::write_text_atomically(dir / "a.json", "old json");
  xnet::write_text_atomically(dir / "b.json", "another image's");
  try {
    xnet::FileSet set;
    std::ofstream(set.stage(dir / "a_mask.png")) << "new mask";
    set.stage(dir / "a.json");
    throw xnet::Error("disk full");  // the JSON was never written
  } catch (const xnet::Error&) {
  }
  EXPECT_FALSE(fs::exists(dir / "a_mask.png"));
  EXPECT_FALSE(fs::exists(dir / "a.json"));
  EXPECT_EQ(text_of(dir / "b.json"), "another image's");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(FileSet, ACommitThatCannotReplaceLeavesNoneOfTheSet) {
  const fs::path dir = fresh_dir("xnet_fileset_blocked");
  xnet::write_text_atomically(dir / "a.json", "old json");
  fs::create_directories(dir / "a_overlay.png" / "in-the-way");  // cannot be replaced
  {
    xnet::FileSet set;
    std::ofstream(set.stage(dir / "a_mask.png")) << "new mask";
    std::ofstream(set.stage(dir / "a_overlay.png")) << "new overlay";
    std::ofstream(set.stage(dir / "a.json")) << "new json";
    EXPECT_THROW(set.commit(), xnet::Error);
  }
  EXPECT_FALSE(fs::exists(dir / "a_mask.png"));
  EXPECT_FALSE(fs::exists(dir / "a.json"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // the obstacle
}

TEST(AtomicFile, TemporariesOfDeadProcessesAreRemovedOnTheNextRun) {
  const fs::path dir = fresh_dir("xnet_stale_temporaries");
  const pid_t child = fork();
  if (child == 0) std::_Exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  waitpid(child, &status, 0);  // its pid now names no process
  const std::string dead = std::to_string(child), alive = std::to_string(::getpid());
  for (const std::string& name : {".checkpoint.tmp" + dead + "-3.pt", ".a_mask.tmp" + dead + "-0.png",
                                  ".a_mask.tmp" + alive + "-9.png", "a.tmp" + dead + "-0.png", std::string(".notes.txt")})
    std::ofstream(dir / name) << "x";
  xnet::ensure_directory(dir);
  EXPECT_FALSE(fs::exists(dir / (".checkpoint.tmp" + dead + "-3.pt")));
  EXPECT_FALSE(fs::exists(dir / (".a_mask.tmp" + dead + "-0.png")));
  EXPECT_TRUE(fs::exists(dir / (".a_mask.tmp" + alive + "-9.png")));  // a live writer's
  EXPECT_TRUE(fs::exists(dir / ("a.tmp" + dead + "-0.png")));         // not our naming
  EXPECT_TRUE(fs::exists(dir / ".notes.txt"));
}
