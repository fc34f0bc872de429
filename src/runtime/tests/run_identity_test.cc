#include "runtime/run_identity.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "runtime/checkpoint_store.h"
#include "runtime/durable_file.h"
#include "testing/temp_dir.h"

namespace sluice::runtime {
namespace {

TEST(RunIdentityTest, NewStateGetsAnIdThatStaysUntilTheStateStartsOver) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("state");
  const std::string first = RunIdentity::Resolve(dir, /*fresh=*/false);
  ASSERT_EQ(first.size(), 16u);
  ASSERT_TRUE(DurableFile::CreateDirectories(dir).ok());
  ASSERT_TRUE(RunIdentity::Persist(dir, first).ok());
  EXPECT_TRUE(RunIdentity::IsStored(dir, first));
  EXPECT_EQ(RunIdentity::Resolve(dir, /*fresh=*/false), first);

  const std::string fresh = RunIdentity::Resolve(dir, /*fresh=*/true);
  EXPECT_EQ(fresh.size(), 16u);
  EXPECT_NE(fresh, first);
  ASSERT_TRUE(RunIdentity::Persist(dir, fresh).ok());
  EXPECT_EQ(RunIdentity::Resolve(dir, /*fresh=*/false), fresh);
}

TEST(RunIdentityTest, RemovedStateGetsANewId) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("state");
  ASSERT_TRUE(DurableFile::CreateDirectories(dir).ok());
  const std::string first = RunIdentity::Resolve(dir, false);
  ASSERT_TRUE(RunIdentity::Persist(dir, first).ok());
  std::filesystem::remove_all(dir);
  EXPECT_NE(RunIdentity::Resolve(dir, false), first);
}

TEST(RunIdentityTest, UnfinishedStateWithoutAnIdKeepsTheIdentitiesItWasWrittenWith) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("state");
  ASSERT_TRUE(DurableFile::CreateDirectories(dir).ok());
  ASSERT_TRUE(DurableFile::ReplaceAtomically(dir + "/RUNNING", "log\n").ok());
  EXPECT_EQ(RunIdentity::Resolve(dir, false), "");
  EXPECT_TRUE(RunIdentity::Persist(dir, "").ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/RUN_ID"));
  // --fresh drops that state, and with it the old identities.
  EXPECT_EQ(RunIdentity::Resolve(dir, true).size(), 16u);
}

TEST(RunIdentityTest, DirectoryHeldByAnotherRunIsNotThisRunsState) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("state");
  auto store = CheckpointStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string held = RunIdentity::NewId();
  ASSERT_TRUE(RunIdentity::Persist(dir, held).ok());
  EXPECT_TRUE(CheckpointStore::InUse(dir));
  EXPECT_NE(RunIdentity::Resolve(dir, false), held);
  store->reset();
  EXPECT_FALSE(CheckpointStore::InUse(dir));
  EXPECT_EQ(RunIdentity::Resolve(dir, false), held);
}

TEST(RunIdentityTest, DamagedIdFileIsReplaced) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("state");
  ASSERT_TRUE(DurableFile::CreateDirectories(dir).ok());
  ASSERT_TRUE(DurableFile::ReplaceAtomically(dir + "/RUN_ID", "not an id\n").ok());
  const std::string id = RunIdentity::Resolve(dir, false);
  EXPECT_EQ(id.size(), 16u);
  ASSERT_TRUE(RunIdentity::Persist(dir, id).ok());
  EXPECT_TRUE(RunIdentity::IsStored(dir, id));
}

}  // namespace
}  // namespace sluice::runtime
