#include "runtime/run_identity.h"

#include <fmt/format.h>

#include <filesystem>
#include <random>

#include "runtime/checkpoint_store.h"
#include "runtime/durable_file.h"

namespace sluice::runtime {
namespace {

namespace fs = std::filesystem;

constexpr char kFileName[] = "/RUN_ID";

bool IsRunId(const std::string& text) {
  return text.size() == 16 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Whether `dir` holds state of an unfinished run: a checkpoint or the RUNNING marker.
bool HoldsUnfinishedRun(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir + "/RUNNING", ec)) return true;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().rfind("checkpoint-", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string RunIdentity::Resolve(const std::string& state_dir, bool fresh) {
  // A directory another process holds is not this run's state (the run goes on without state).
  if (state_dir.empty() || fresh || CheckpointStore::InUse(state_dir)) return NewId();
  auto stored = DurableFile::ReadAll(state_dir + kFileName);
  if (stored.ok()) {
    std::string id = *stored;
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
    if (IsRunId(id)) return id;
  }
  return HoldsUnfinishedRun(state_dir) ? std::string() : NewId();
}

bool RunIdentity::IsStored(const std::string& state_dir, const std::string& id) {
  auto stored = DurableFile::ReadAll(state_dir + kFileName);
  return !id.empty() && stored.ok() && *stored == id + "\n";
}

Status RunIdentity::Persist(const std::string& state_dir, const std::string& id) {
  if (id.empty() || state_dir.empty()) return Status::Ok();
  if (IsStored(state_dir, id)) return Status::Ok();
  return DurableFile::ReplaceAtomically(state_dir + kFileName, id + "\n");
}

std::string RunIdentity::NewId() {
  std::random_device device;
  std::mt19937_64 engine((static_cast<uint64_t>(device()) << 32) ^ device());
  return fmt::format("{:016x}", engine());
}

}  // namespace sluice::runtime
