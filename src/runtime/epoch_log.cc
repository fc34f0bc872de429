#include "runtime/epoch_log.h"

#include <fmt/format.h>

#include <cstdlib>
#include <sstream>

namespace sluice::runtime {

// File format, one record per line, fields separated by a tab:
//   B <source> <split> <processing_time_ms> <end_position>   a batch
//   I <source> <split> <processing_time_ms>                  a split went idle
//   F <source> 0 <processing_time_ms>                        the source's input ended
//   E <epoch>                                                end of a sealed epoch
// Positions are written verbatim; they never hold tabs or newlines.

EpochLog::EpochLog(std::string path) : path_(std::move(path)) {}

Result<std::vector<EpochLogEntry>> EpochLog::Seal(EpochId epoch) {
  if (!path_.empty()) {
    if (!file_) {
      file_ = std::make_unique<std::ofstream>(path_, std::ios::app);
      if (!*file_) return Status::IoError("cannot open epoch log " + path_);
    }
    std::string text;
    for (const auto& e : current_) {
      if (e.kind == EpochLogEntry::Kind::kBatch) {
        text += fmt::format("B\t{}\t{}\t{}\t{}\n", e.source, e.split, e.processing_time_ms,
                            e.end_position);
      } else {
        text += fmt::format("{}\t{}\t{}\t{}\n", e.kind == EpochLogEntry::Kind::kIdle ? 'I' : 'F',
                            e.source, e.split, e.processing_time_ms);
      }
    }
    text += fmt::format("E\t{}\n", epoch.value());
    file_->write(text.data(), static_cast<std::streamsize>(text.size()));
    file_->flush();
    if (!*file_) return Status::IoError("cannot write epoch log " + path_);
  }
  std::vector<EpochLogEntry> sealed;
  sealed.swap(current_);
  return sealed;
}

Result<std::vector<std::pair<EpochId, std::vector<EpochLogEntry>>>> EpochLog::ReadFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("epoch log " + path + " does not exist");
  std::vector<std::pair<EpochId, std::vector<EpochLogEntry>>> epochs;
  std::vector<EpochLogEntry> pending;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream fields(line);
    std::string kind;
    std::getline(fields, kind, '\t');
    if (kind == "E") {
      int64_t epoch = 0;
      fields >> epoch;
      epochs.emplace_back(EpochId(epoch), std::move(pending));
      pending.clear();
      continue;
    }
    EpochLogEntry e;
    std::string source, split, ptime;
    std::getline(fields, source, '\t');
    std::getline(fields, split, '\t');
    std::getline(fields, ptime, '\t');
    if (kind == "B") e.kind = EpochLogEntry::Kind::kBatch;
    else if (kind == "I") e.kind = EpochLogEntry::Kind::kIdle;
    else if (kind == "F") e.kind = EpochLogEntry::Kind::kEndOfInput;
    else return Status::DataError(fmt::format("{}:{}: not an epoch log record", path, line_no));
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

}  // namespace sluice::runtime
