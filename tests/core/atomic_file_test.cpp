#include "leasesim/core/atomic_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "test_dir.hpp"

namespace leasesim {
namespace atomic_file_test {
namespace {

using testing::read_all;
using testing::TestDir;

std::string tmp_name(const std::string& name) {
  return name + ".tmp-" + std::to_string(::getpid());
}

TEST(AtomicFile, CommitPublishes) {
  TestDir dir;
  const std::string path = dir.file("out.txt");
  AtomicFile f;
  std::string error;
  ASSERT_TRUE(f.open(path, &error)) << error;
  EXPECT_TRUE(f.is_open());
  EXPECT_EQ(path, f.path());
  f.write("hello ");
  f.write("");
  f.write("world\n");
  // Before commit only the temporary exists, next to the target.
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(std::vector<std::string>{tmp_name("out.txt")}, dir.entries());
  ASSERT_TRUE(f.commit(&error)) << error;
  EXPECT_FALSE(f.is_open());
  EXPECT_EQ("hello world\n", read_all(path));
  EXPECT_EQ(std::vector<std::string>{"out.txt"}, dir.entries());
}

TEST(AtomicFile, CommitReplacesExistingFile) {
  TestDir dir;
  const std::string path = dir.file("out.txt");
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, "old contents, longer than the new\n", &error));
  AtomicFile f;
  ASSERT_TRUE(f.open(path, &error)) << error;
  f.write("new\n");
  EXPECT_EQ("old contents, longer than the new\n", read_all(path))
      << "old file intact until commit";
  ASSERT_TRUE(f.commit(&error)) << error;
  EXPECT_EQ("new\n", read_all(path));
}

TEST(AtomicFile, LargeContents) {
  TestDir dir;
  const std::string path = dir.file("big.bin");
  std::string data;
  for (int i = 0; i < 3'000'000; ++i) data += static_cast<char>(i * 7);
  std::string error;
  AtomicFile f;
  ASSERT_TRUE(f.open(path, &error)) << error;
  for (size_t off = 0; off < data.size(); off += 100'001) {
    f.write(std::string_view(data).substr(off, 100'001));
  }
  ASSERT_TRUE(f.commit(&error)) << error;
  EXPECT_EQ(data, read_all(path));
}

TEST(AtomicFile, AbandonLeavesNothing) {
  TestDir dir;
  AtomicFile f;
  std::string error;
  ASSERT_TRUE(f.open(dir.file("a.txt"), &error)) << error;
  f.write("data");
  f.abandon();
  EXPECT_FALSE(f.is_open());
  EXPECT_TRUE(dir.entries().empty());
  f.abandon();  // harmless when nothing is open
}

TEST(AtomicFile, DestructorLeavesNothing) {
  TestDir dir;
  {
    AtomicFile f;
    std::string error;
    ASSERT_TRUE(f.open(dir.file("a.txt"), &error)) << error;
    f.write("data");
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, ReopenAbandonsPrevious) {
  TestDir dir;
  AtomicFile f;
  std::string error;
  ASSERT_TRUE(f.open(dir.file("a.txt"), &error)) << error;
  f.write("first");
  ASSERT_TRUE(f.open(dir.file("b.txt"), &error)) << error;
  f.write("second");
  ASSERT_TRUE(f.commit(&error)) << error;
  EXPECT_EQ(std::vector<std::string>{"b.txt"}, dir.entries());
  EXPECT_EQ("second", read_all(dir.file("b.txt")));
}

TEST(AtomicFile, MoveTransfersOwnership) {
  TestDir dir;
  const std::string path = dir.file("m.txt");
  std::string error;
  AtomicFile a;
  ASSERT_TRUE(a.open(path, &error)) << error;
  a.write("moved");
  AtomicFile b(std::move(a));
  EXPECT_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.is_open());
  AtomicFile c;
  ASSERT_TRUE(c.open(dir.file("other.txt"), &error)) << error;
  c = std::move(b);                   // abandons other.txt's temporary
  { AtomicFile gone(std::move(a)); }  // destroying a moved-from file removes nothing
  ASSERT_TRUE(c.commit(&error)) << error;
  EXPECT_EQ("moved", read_all(path));
  EXPECT_EQ(std::vector<std::string>{"m.txt"}, dir.entries());
}

TEST(AtomicFile, OpenFailureNamesPath) {
  TestDir dir;
  AtomicFile f;
  std::string error;
  const std::string path = dir.file("missing/y.jsonl");
  EXPECT_FALSE(f.open(path, &error));
  EXPECT_FALSE(f.is_open());
  EXPECT_EQ("cannot create \"" + path + "\": No such file or directory", error);

  // A regular file where a directory should be.
  ASSERT_TRUE(write_file_atomically(dir.file("plain"), "x", &error));
  const std::string under_file = dir.file("plain/y.jsonl");
  EXPECT_FALSE(f.open(under_file, &error));
  EXPECT_EQ("cannot create \"" + under_file + "\": Not a directory", error);
}

TEST(AtomicFile, WriteFailureIsReportedOnCommit) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  // Point the temporary at /dev/full, whose writes fail with ENOSPC: the
  // same path as a full disk.
  TestDir dir;
  const std::string path = dir.file("full.jsonl");
  std::filesystem::create_symlink("/dev/full", dir.file(tmp_name("full.jsonl")));
  AtomicFile f;
  std::string error;
  ASSERT_TRUE(f.open(path, &error)) << error;
  f.write(std::string(1 << 20, 'x'));
  f.write("more");
  EXPECT_FALSE(f.commit(&error));
  EXPECT_EQ("cannot write \"" + path + "\": No space left on device", error);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(dir.entries().empty()) << "temporary removed";
}

TEST(AtomicFile, RenameFailureIsReported) {
  TestDir dir;
  // The target becomes a non-empty directory after open() (open() refuses
  // a directory outright): rename cannot replace it.
  const std::string path = dir.file("target");
  AtomicFile f;
  std::string error;
  ASSERT_TRUE(f.open(path, &error)) << error;
  std::filesystem::create_directories(path + "/child");
  f.write("data");
  EXPECT_FALSE(f.commit(&error));
  EXPECT_EQ(0u, error.find("cannot replace \"" + path + "\": ")) << error;
  EXPECT_EQ(std::vector<std::string>{"target"}, dir.entries()) << "temporary removed";
}

TEST(AtomicFile, DirectoryIsRefusedAtOpen) {
  TestDir dir;
  const std::string path = dir.file("target");
  std::filesystem::create_directories(path);
  AtomicFile f;
  std::string error;
  EXPECT_FALSE(f.open(path, &error));
  EXPECT_EQ("cannot create \"" + path + "\": Is a directory", error);
}

// Devices are written to directly, never replaced by a regular file.
TEST(AtomicFile, DeviceIsWrittenInPlace) {
  if (!std::filesystem::is_character_file("/dev/null")) GTEST_SKIP();
  AtomicFile f;
  std::string error;
  ASSERT_TRUE(f.open("/dev/null", &error)) << error;
  f.write("data");
  EXPECT_TRUE(f.commit(&error)) << error;
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
}

// A symbolic link is written through: its target gets the contents, whole,
// and the link stays a link. (The temporary was renamed onto the link
// itself, replacing it with a regular file and leaving its target as it
// was; found by an adversarial CLI test.)
TEST(AtomicFile, ASymlinkIsWrittenThrough) {
  namespace fs = std::filesystem;
  TestDir dir;
  std::string error;
  ASSERT_TRUE(write_file_atomically(dir.file("target.jsonl"), "old\n", &error)) << error;
  fs::create_directories(dir.file("sub"));
  fs::create_symlink("../target.jsonl", dir.file("sub/link.jsonl"));  // relative, one hop
  fs::create_symlink("sub/link.jsonl", dir.file("link2.jsonl"));      // two hops
  std::string before = "old\n";
  for (const char* name : {"sub/link.jsonl", "link2.jsonl"}) {
    SCOPED_TRACE(name);
    AtomicFile f;
    ASSERT_TRUE(f.open(dir.file(name), &error)) << error;
    EXPECT_EQ(dir.file(name), f.path());  // messages name what the user gave
    f.write(std::string("new via ") + name + "\n");
    EXPECT_EQ(before, read_all(dir.file("target.jsonl"))) << "target intact until commit";
    ASSERT_TRUE(f.commit(&error)) << error;
    EXPECT_TRUE(fs::is_symlink(dir.file(name)));
    before = std::string("new via ") + name + "\n";
    EXPECT_EQ(before, read_all(dir.file("target.jsonl")));
  }
  // A dangling link creates its target.
  fs::create_symlink("made.jsonl", dir.file("dangling.jsonl"));
  ASSERT_TRUE(write_file_atomically(dir.file("dangling.jsonl"), "made\n", &error)) << error;
  EXPECT_TRUE(fs::is_symlink(dir.file("dangling.jsonl")));
  EXPECT_EQ("made\n", read_all(dir.file("made.jsonl")));
  EXPECT_EQ((std::vector<std::string>{"dangling.jsonl", "link2.jsonl", "made.jsonl", "sub",
                                      "target.jsonl"}),
            dir.entries());
}

// A link to an open descriptor (/dev/stdout -> /proc/self/fd/1, or a link
// of one's own to /proc/self/fd/N) is a stream: written in place, never
// replaced, even when the descriptor is a regular file (`> out.txt`).
TEST(AtomicFile, ALinkToADescriptorIsWrittenInPlace) {
  namespace fs = std::filesystem;
  if (!fs::exists("/proc/self/fd")) GTEST_SKIP();
  TestDir dir;
  std::string error;
  std::FILE* out = std::fopen(dir.file("out.txt").c_str(), "w");
  ASSERT_NE(out, nullptr);
  const std::string fd_link = "/proc/self/fd/" + std::to_string(::fileno(out));
  fs::create_symlink(fd_link, dir.file("mystdout"));
  ASSERT_TRUE(write_file_atomically(dir.file("mystdout"), "through the descriptor\n", &error))
      << error;
  std::fclose(out);
  EXPECT_TRUE(fs::is_symlink(dir.file("mystdout")));
  EXPECT_EQ("through the descriptor\n", read_all(dir.file("out.txt")));
  EXPECT_EQ((std::vector<std::string>{"mystdout", "out.txt"}), dir.entries());
}

// A regular file under /dev (a RAM disk: /dev/shm) is written whole, like
// any other: only descriptors are streams. (Everything under /dev was
// written in place, so a failure part-way left it truncated; found by a
// review.)
TEST(AtomicFile, ARegularFileUnderDevIsWrittenWhole) {
  namespace fs = std::filesystem;
  if (!fs::is_directory("/dev/shm") || ::access("/dev/shm", W_OK) != 0) GTEST_SKIP();
  const std::string path = "/dev/shm/leasesim-atomic-" + std::to_string(::getpid());
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, "old\n", &error)) << error;
  AtomicFile f;
  ASSERT_TRUE(f.open(path, &error)) << error;
  f.write("new\n");
  EXPECT_EQ("old\n", read_all(path)) << "written in place, not through a temporary";
  ASSERT_TRUE(f.commit(&error)) << error;
  EXPECT_EQ("new\n", read_all(path));
  fs::remove(path);
}

// A loop of links is refused, as the kernel refuses it (the temporary was
// renamed onto one link of the loop).
TEST(AtomicFile, ALoopOfLinksIsRefused) {
  namespace fs = std::filesystem;
  TestDir dir;
  fs::create_symlink("b", dir.file("a"));
  fs::create_symlink("a", dir.file("b"));
  AtomicFile f;
  std::string error;
  EXPECT_FALSE(f.open(dir.file("a"), &error));
  EXPECT_EQ("cannot create \"" + dir.file("a") + "\": Too many levels of symbolic links", error);
  EXPECT_TRUE(fs::is_symlink(dir.file("a")));
  EXPECT_EQ((std::vector<std::string>{"a", "b"}), dir.entries());
}

// ".." in a link is the kernel's to follow: through a link to a folder it
// leads to that folder's parent, not back along the text.
TEST(AtomicFile, DotDotInALinkFollowsTheKernel) {
  namespace fs = std::filesystem;
  TestDir dir;
  fs::create_directories(dir.file("real/deep"));
  fs::create_directories(dir.file("w"));
  fs::create_symlink(dir.file("real/deep"), dir.file("w/d"));
  fs::create_symlink("../target.jsonl", dir.file("real/deep/link.jsonl"));
  std::string error;
  ASSERT_TRUE(write_file_atomically(dir.file("w/d/link.jsonl"), "x\n", &error)) << error;
  EXPECT_EQ("x\n", read_all(dir.file("real/target.jsonl")));
  EXPECT_FALSE(fs::exists(dir.file("w/target.jsonl")));
}

TEST(AtomicFile, CommitWithoutOpen) {
  AtomicFile f;
  std::string error;
  EXPECT_FALSE(f.commit(&error));
  EXPECT_NE(std::string::npos, error.find("not open")) << error;
}

TEST(AtomicFile, WriteFileAtomically) {
  TestDir dir;
  std::string error;
  ASSERT_TRUE(write_file_atomically(dir.file("w.txt"), "contents", &error)) << error;
  EXPECT_EQ("contents", read_all(dir.file("w.txt")));
  ASSERT_TRUE(write_file_atomically(dir.file("empty.txt"), "", &error)) << error;
  EXPECT_EQ("", read_all(dir.file("empty.txt")));
  EXPECT_FALSE(write_file_atomically(dir.file("no/w.txt"), "x", &error));
  EXPECT_EQ("cannot create \"" + dir.file("no/w.txt") + "\": No such file or directory", error);
  EXPECT_EQ((std::vector<std::string>{"empty.txt", "w.txt"}), dir.entries());
}

}  // namespace
}  // namespace atomic_file_test
}  // namespace leasesim
