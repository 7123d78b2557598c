#include "storage/staged_file.h"

#include <filesystem>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace antcdn::storage {
namespace {

namespace fs = std::filesystem;

TEST(StagedFile, IsRemovedWhenItGoesOutOfScope) {
  test::TempDir dir;
  fs::path path;
  {
    auto staged = StagedFile::create(dir.path() / "staging", "download.mp4");
    ASSERT_TRUE(staged.ok()) << staged.error().describe();
    path = staged->path();
    EXPECT_EQ(path.parent_path(), dir.path() / "staging");
    EXPECT_TRUE(path.filename().string().starts_with(".download.mp4.~"));
    std::ofstream(path) << "partial remux";
    EXPECT_TRUE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(StagedFile, AFileMovedAwayIsNotAnError) {
  test::TempDir dir;
  auto staged = StagedFile::create(dir.path(), "x");
  ASSERT_TRUE(staged.ok());
  fs::rename(staged->path(), dir.path() / "stored");
  std::optional<StagedFile> moved(std::move(*staged));
  moved.reset();  // unlinks a name that is gone: nothing happens
  EXPECT_TRUE(fs::exists(dir.path() / "stored"));
}

TEST(StagedFile, AnUnusableDirectoryIsUnavailable) {
  test::TempDir dir;
  std::ofstream(dir.path() / "file") << "not a directory";
  auto staged = StagedFile::create(dir.path() / "file" / "sub", "x");
  ASSERT_FALSE(staged.ok());
  EXPECT_EQ(staged.error().code, Code::Unavailable);
}

}  // namespace
}  // namespace antcdn::storage
