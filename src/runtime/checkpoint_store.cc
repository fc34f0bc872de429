#include "runtime/checkpoint_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/logging.h"
#include "runtime/durable_file.h"
#include "runtime/state_decoder.h"
#include "runtime/state_encoder.h"

namespace sluice::runtime {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "SLUICECK";
constexpr size_t kMagicSize = 8;
constexpr char kPrefix[] = "checkpoint-";
constexpr char kSuffix[] = ".bin";

uint64_t Fnv1a(std::string_view data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Returns the checkpoint files of `dir`, newest first.
std::vector<std::pair<int64_t, std::string>> ListCheckpoints(const std::string& dir) {
  std::vector<std::pair<int64_t, std::string>> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || name.size() <= sizeof(kPrefix) + sizeof(kSuffix) - 2 ||
        name.substr(name.size() - 4) != kSuffix) {
      continue;
    }
    std::string digits = name.substr(sizeof(kPrefix) - 1, name.size() - 4 - (sizeof(kPrefix) - 1));
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    files.emplace_back(std::stoll(digits), entry.path().string());
  }
  std::sort(files.rbegin(), files.rend());
  return files;
}

}  // namespace

Result<std::unique_ptr<CheckpointStore>> CheckpointStore::Open(const std::string& dir, int keep) {
  RETURN_IF_ERROR(DurableFile::CreateDirectories(dir));
  const std::string lock_path = dir + "/LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot open " + lock_path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Unavailable(fmt::format(
        "state directory {} is in use by another process (set 'state.dir' per process)", dir));
  }
  return std::unique_ptr<CheckpointStore>(new CheckpointStore(dir, std::max(keep, 1), fd));
}

bool CheckpointStore::InUse(const std::string& dir) {
  const std::string lock_path = dir + "/LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
  ::close(fd);  // releases the lock this call took, if any
  return held;
}

CheckpointStore::~CheckpointStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

std::string CheckpointStore::PathFor(EpochId epoch) const {
  return fmt::format("{}/{}{:020}{}", dir_, kPrefix, epoch.value(), kSuffix);
}

std::string CheckpointStore::Encode(const Checkpoint& checkpoint) {
  StateEncoder out;
  out.data().append(kMagic, kMagicSize);
  out.PutU8(kFormatVersion);
  out.PutString(checkpoint.fingerprint);
  out.PutI64(checkpoint.epoch.value());
  out.PutString(checkpoint.payload);
  out.PutI64(static_cast<int64_t>(Fnv1a(out.data())));
  return std::move(out.data());
}

Result<Checkpoint> CheckpointStore::Decode(const std::string& bytes, const std::string& what) {
  if (bytes.size() < kMagicSize + 9 || bytes.compare(0, kMagicSize, kMagic) != 0) {
    return Status::DataError(what + ": not a sluice checkpoint");
  }
  const std::string_view body(bytes.data(), bytes.size() - 8);
  StateDecoder trailer(std::string_view(bytes).substr(bytes.size() - 8), what);
  int64_t checksum = 0;
  RETURN_IF_ERROR(trailer.GetI64(&checksum));
  if (static_cast<uint64_t>(checksum) != Fnv1a(body)) {
    return Status::DataError(what + ": checksum mismatch (damaged file)");
  }
  StateDecoder in(body.substr(kMagicSize), what);
  uint8_t version = 0;
  RETURN_IF_ERROR(in.GetU8(&version));
  if (version != kFormatVersion) {
    return Status::DataError(fmt::format("{}: checkpoint format version {}, this sluice reads {}",
                                         what, version, kFormatVersion));
  }
  Checkpoint c;
  int64_t epoch = 0;
  RETURN_IF_ERROR(in.GetString(&c.fingerprint));
  RETURN_IF_ERROR(in.GetI64(&epoch));
  RETURN_IF_ERROR(in.GetString(&c.payload));
  c.epoch = EpochId(epoch);
  return c;
}

Result<size_t> CheckpointStore::Write(const Checkpoint& checkpoint) {
  const std::string bytes = Encode(checkpoint);
  RETURN_IF_ERROR(DurableFile::ReplaceAtomically(PathFor(checkpoint.epoch), bytes));
  auto files = ListCheckpoints(dir_);
  for (size_t i = static_cast<size_t>(keep_); i < files.size(); ++i) {
    std::error_code ec;
    fs::remove(files[i].second, ec);
  }
  return bytes.size();
}

Result<std::optional<Checkpoint>> CheckpointStore::LoadLatest() const {
  for (const auto& [epoch, path] : ListCheckpoints(dir_)) {
    ASSIGN_OR_RETURN(std::string bytes, DurableFile::ReadAll(path));
    auto checkpoint = Decode(bytes, path);
    if (checkpoint.ok()) return std::optional<Checkpoint>(std::move(*checkpoint));
    LogWarn("{} (trying an older checkpoint)", checkpoint.status().message());
  }
  return std::optional<Checkpoint>();
}

Status CheckpointStore::Clear() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().filename() == "LOCK") continue;
    fs::remove_all(entry.path(), ec);
    if (ec)
      return Status::IoError(
          fmt::format("cannot remove {}: {}", entry.path().string(), ec.message()));
  }
  return DurableFile::SyncDirectory(dir_);
}

}  // namespace sluice::runtime
