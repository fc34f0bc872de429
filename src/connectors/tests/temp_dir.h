#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sluice::connectors {

/// A fresh directory under /tmp for one test, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/sluice-connectors-XXXXXX";
    const char* dir = ::mkdtemp(pattern);
    path_ = dir != nullptr ? dir : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// Writes `content` to file `name` in the directory and returns its path.
  std::string Write(const std::string& name, const std::string& content) const {
    std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  /// Returns the content of file `file`.
  static std::string Read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string path_;
};

}  // namespace sluice::connectors
