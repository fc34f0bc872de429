#include "runtime/durable_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/crash_point.h"

namespace sluice::runtime {
namespace {

// A full disk or quota may get space back: retryable, so a restart strategy tries again. Every
// other failure (a read-only file system, permissions, I/O errors) is an I/O error.
Status Errno(const std::string& what, const std::string& path) {
  const int error = errno;
  std::string message = fmt::format("cannot {} {}: {}", what, path, strerror(error));
  if (error == ENOSPC || error == EDQUOT) return Status::Unavailable(std::move(message));
  return Status::IoError(std::move(message));
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Status DurableFile::WriteAllAndSync(int fd, std::string_view data, const std::string& path) {
  RETURN_IF_ERROR(WriteAll(fd, data, path));
  if (::fdatasync(fd) != 0) return Errno("fsync", path);
  return Status::Ok();
}

Status DurableFile::WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status DurableFile::ReplaceAtomically(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", tmp);
  Status written = WriteAllAndSync(fd, data, tmp);
  ::close(fd);
  if (!written.ok()) {
    ::unlink(tmp.c_str());  // a full disk gets the space back
    return written;
  }
  CrashPoint("state-file-rename");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename to", path);
  return SyncDirectory(DirectoryOf(path));
}

Status DurableFile::SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open directory", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync directory", dir);
  return Status::Ok();
}

Result<std::string> DurableFile::ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + " does not exist");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read " + path);
  return content.str();
}

Status DurableFile::CreateDirectories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create {}: {}", dir, ec.message()));
  return Status::Ok();
}

}  // namespace sluice::runtime
