#include "runtime/epoch_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/logging.h"
#include "runtime/durable_file.h"

namespace sluice::runtime {

// File format, one record per line, fields separated by a tab:
//   B <source> <split> <processing_time_ms> <end_position>   a batch
//   I <source> <split> <processing_time_ms>                  a split went idle
//   F <source> 0 <processing_time_ms>                        the source's input ended
//   E <epoch>                                                end of a sealed epoch
//   C <epoch>                                                every sink acknowledged the epoch
// Positions are written verbatim; they never hold tabs or newlines.

namespace {

std::string FormatEpoch(EpochId epoch, const std::vector<EpochLogEntry>& entries) {
  std::string text;
  for (const auto& e : entries) {
    if (e.kind == EpochLogEntry::Kind::kBatch) {
      text += fmt::format("B\t{}\t{}\t{}\t{}\n", e.source, e.split, e.processing_time_ms,
                          e.end_position);
    } else {
      text += fmt::format("{}\t{}\t{}\t{}\n", e.kind == EpochLogEntry::Kind::kIdle ? 'I' : 'F',
                          e.source, e.split, e.processing_time_ms);
    }
  }
  text += fmt::format("E\t{}\n", epoch.value());
  return text;
}

}  // namespace

EpochLog::EpochLog(std::string path) : path_(std::move(path)) {}

EpochLog::~EpochLog() { CloseFile(); }

void EpochLog::CloseFile() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status EpochLog::AppendText(const std::string& text, bool sync) {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      return Status::IoError(fmt::format("cannot open epoch log {}: {}", path_, strerror(errno)));
    }
    Status dropped = DropUnsealedTail();
    if (!dropped.ok()) {
      CloseFile();
      return dropped;
    }
  }
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  Status written = sync ? DurableFile::WriteAllAndSync(fd_, text, path_)
                        : DurableFile::WriteAll(fd_, text, path_);
  // A failed append (a full or read-only disk) must leave the log as it was: its torn records
  // would otherwise join the next epoch's. When the cut fails, reopening drops them.
  if (!written.ok() && (before < 0 || ::ftruncate(fd_, before) != 0)) CloseFile();
  return written;
}

Status EpochLog::DropUnsealedTail() {
  ASSIGN_OR_RETURN(std::string text, DurableFile::ReadAll(path_));
  const size_t sealed = SealedLength(text);
  if (sealed == text.size()) return Status::Ok();
  if (::ftruncate(fd_, static_cast<off_t>(sealed)) != 0) {
    return Status::IoError(
        fmt::format("cannot cut epoch log {} to its sealed epochs: {}", path_, strerror(errno)));
  }
  LogWarn("epoch log {}: dropped {} bytes after the last sealed epoch (an append cut short)", path_,
          text.size() - sealed);
  return Status::Ok();
}

size_t EpochLog::SealedLength(std::string_view text) {
  size_t sealed = 0;
  for (size_t line = 0; line < text.size();) {
    const size_t end = text.find('\n', line);
    if (end == std::string_view::npos) break;
    if (text[line] == 'E' || text[line] == 'C') sealed = end + 1;
    line = end + 1;
  }
  return sealed;
}

Result<std::vector<EpochLogEntry>> EpochLog::Seal(EpochId epoch) {
  if (!path_.empty()) RETURN_IF_ERROR(AppendText(FormatEpoch(epoch, current_), /*sync=*/true));
  std::vector<EpochLogEntry> sealed;
  sealed.swap(current_);
  return sealed;
}

Status EpochLog::Commit(EpochId epoch) {
  if (path_.empty()) return Status::Ok();
  // Not fsynced: the next Seal's fsync makes it durable with the next epoch. A machine that
  // crashes before that loses at most this record, and the epoch is then written again by
  // recovery with the same identities, which the sinks that deduplicate drop; a process that
  // crashes keeps it (the kernel has it).
  return AppendText(fmt::format("C\t{}\n", epoch.value()), /*sync=*/false);
}

Status EpochLog::Compact(EpochId through) {
  if (path_.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto epochs, Read(path_));
  std::string text;
  for (const auto& e : epochs) {
    if (e.epoch.value() <= through.value()) continue;
    text += FormatEpoch(e.epoch, e.entries);
    if (e.committed) text += fmt::format("C\t{}\n", e.epoch.value());
  }
  CloseFile();
  return DurableFile::ReplaceAtomically(path_, text);
}

Result<std::vector<LoggedEpoch>> EpochLog::Read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("epoch log " + path + " does not exist");
  std::vector<LoggedEpoch> epochs;
  std::vector<EpochLogEntry> pending;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (in.eof()) break;  // a last line without its newline: cut short by a crash
    std::istringstream fields(line);
    std::string kind;
    std::getline(fields, kind, '\t');
    if (kind == "E" || kind == "C") {
      int64_t epoch = 0;
      fields >> epoch;
      if (kind == "E") {
        epochs.push_back({EpochId(epoch), std::move(pending), false});
        pending.clear();
      } else if (!epochs.empty() && epochs.back().epoch.value() == epoch) {
        epochs.back().committed = true;
      }
      continue;
    }
    EpochLogEntry e;
    std::string source, split, ptime;
    std::getline(fields, source, '\t');
    std::getline(fields, split, '\t');
    std::getline(fields, ptime, '\t');
    if (kind == "B") {
      e.kind = EpochLogEntry::Kind::kBatch;
    } else if (kind == "I") {
      e.kind = EpochLogEntry::Kind::kIdle;
    } else if (kind == "F") {
      e.kind = EpochLogEntry::Kind::kEndOfInput;
    } else {
      return Status::DataError(fmt::format("{}:{}: not an epoch log record", path, line_no));
    }
    char* end = nullptr;
    e.source = static_cast<uint32_t>(std::strtoul(source.c_str(), &end, 10));
    e.split = static_cast<uint32_t>(std::strtoul(split.c_str(), &end, 10));
    e.processing_time_ms = std::strtoll(ptime.c_str(), &end, 10);
    if (e.kind == EpochLogEntry::Kind::kBatch) std::getline(fields, e.end_position);
    pending.push_back(std::move(e));
  }
  // Entries after the last end marker belong to an epoch that was never sealed: ignored.
  return epochs;
}

Result<std::vector<std::pair<EpochId, std::vector<EpochLogEntry>>>> EpochLog::ReadFile(
    const std::string& path) {
  ASSIGN_OR_RETURN(auto logged, Read(path));
  std::vector<std::pair<EpochId, std::vector<EpochLogEntry>>> epochs;
  for (auto& e : logged) epochs.emplace_back(e.epoch, std::move(e.entries));
  return epochs;
}

}  // namespace sluice::runtime
