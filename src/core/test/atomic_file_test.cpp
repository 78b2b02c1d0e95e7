#include <gtest/gtest.h>

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
