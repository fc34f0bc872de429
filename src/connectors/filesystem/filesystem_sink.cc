#include "connectors/filesystem/filesystem_sink.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::connectors {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

}  // namespace

FilesystemSink::FilesystemSink(std::string path, std::string format,
                               std::unique_ptr<runtime::RecordEncoder> encoder)
    : path_(std::move(path)), format_(std::move(format)), encoder_(std::move(encoder)) {}

FilesystemSink::~FilesystemSink() {
  if (file_ != nullptr) std::fclose(file_);
}

Status FilesystemSink::Open() {
  std::filesystem::path parent = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Status::IoError(
        fmt::format("cannot create directory '{}': {}", parent.string(), ec.message()));
  }
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr) {
    return Status::IoError(fmt::format("cannot open '{}': {}", path_, std::strerror(errno)));
  }
  return Status::Ok();
}

Status FilesystemSink::WriteBuffer() {
  if (buffer_.empty()) return Status::Ok();
  if (file_ == nullptr) return Status::Internal("filesystem sink written before Open");
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return Status::IoError(fmt::format("cannot write '{}': {}", path_, std::strerror(errno)));
  }
  buffer_.clear();
  return Status::Ok();
}

Status FilesystemSink::Write(EpochId, int, const Batch& batch) {
  for (size_t row = 0; row < batch.num_rows; ++row) {
    const size_t before = buffer_.size();
    Status encoded = encoder_->Encode(batch, row, &buffer_);
    if (!encoded.ok()) {
      buffer_.resize(before);  // no partial record reaches the file
      return encoded;
    }
    buffer_.push_back('\n');
  }
  if (buffer_.size() >= kFlushBytes) return WriteBuffer();
  return Status::Ok();
}

Status FilesystemSink::CommitEpoch(EpochId) {
  RETURN_IF_ERROR(WriteBuffer());
  if (file_ == nullptr) return Status::Ok();
  if (std::fflush(file_) != 0 || ::fsync(fileno(file_)) != 0) {
    return Status::IoError(fmt::format("cannot flush '{}': {}", path_, std::strerror(errno)));
  }
  return Status::Ok();
}

Status FilesystemSink::Close() {
  Status status = CommitEpoch(EpochId(0));
  if (file_ != nullptr && std::fclose(file_) != 0 && status.ok()) {
    status = Status::IoError(fmt::format("cannot close '{}': {}", path_, std::strerror(errno)));
  }
  file_ = nullptr;
  return status;
}

std::string FilesystemSink::Describe() const {
  return fmt::format("filesystem {} ({}), at-least-once", path_, format_);
}

}  // namespace sluice::connectors
