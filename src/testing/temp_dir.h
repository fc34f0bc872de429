#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sluice::testing {

/// A fresh directory under $TMPDIR (or /tmp) made with mkdtemp, removed with its contents by the
/// destructor. Used by one test at a time.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/sluice-e2e-XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Returns the directory's path; empty when mkdtemp failed.
  const std::string& path() const { return path_; }
  /// Returns the path of `name` inside the directory.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

  /// Writes `text` to `name` inside the directory and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = File(name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  /// Returns the contents of a file (empty when it cannot be read).
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string path_;
};

}  // namespace sluice::testing
