#include "connectors/mysql/binlog_stream.h"

#include <fmt/format.h>
// clang-format off
#include <mysql.h>  // before mariadb_rpl.h, which needs its types
#include <mariadb_rpl.h>
// clang-format on
#include <sys/socket.h>

#include <chrono>

#include "connectors/mysql/mysql_connection.h"

namespace sluice::connectors {
namespace {

constexpr size_t kMaxQueued = 4096;
constexpr size_t kHeaderSize = 19;
constexpr unsigned int kPurgedBinlog = 1236;  // ER_MASTER_FATAL_ERROR_READING_BINLOG

}  // namespace

Status BinlogStream::Start(const MySqlCdcOptions& options, const std::string& file,
                           uint64_t position) {
  Stop();
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.clear();
  error_ = Status::Ok();
  stopping_ = false;
  thread_ = std::thread(&BinlogStream::Run, this, options, file, position);
  return Status::Ok();
}

void BinlogStream::Fail(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_.ok() && !stopping_) error_ = std::move(status);
  changed_.notify_all();
}

void BinlogStream::Run(MySqlCdcOptions options, std::string file, uint64_t position) {
  MySqlConnection connection;
  Status connected = connection.Connect(options);
  if (!connected.ok()) return Fail(connected);
  // The events carry the checksum the server writes; MariaDB 5.3+ events (GTIDs) are wanted.
  Status announced = connection.Execute(
      "SET @master_binlog_checksum = @@global.binlog_checksum, @mariadb_slave_capability = 4");
  if (!announced.ok()) return Fail(announced);
  MYSQL* mysql = connection.handle();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    socket_ = static_cast<int>(::mysql_get_socket(mysql));
  }
  MARIADB_RPL* rpl = ::mariadb_rpl_init(mysql);
  if (rpl == nullptr) return Fail(Status::Internal("mysql-cdc: mariadb_rpl_init failed"));
  ::mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file.c_str(), file.size());
  ::mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, static_cast<unsigned long>(position));
  ::mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, options.server_id);
  ::mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, static_cast<unsigned int>(0));
  if (::mariadb_rpl_open(rpl) != 0) {
    Fail(Status::Unavailable(
        fmt::format("mysql-cdc: cannot open the binlog stream: {}", ::mysql_error(mysql))));
    ::mariadb_rpl_close(rpl);
    return;
  }
  MARIADB_RPL_EVENT* event = nullptr;
  while (true) {
    event = ::mariadb_rpl_fetch(rpl, event);
    if (event == nullptr) {
      const unsigned int error = ::mysql_errno(mysql);
      std::string message = ::mysql_error(mysql);
      const bool missing = message.find("purged") != std::string::npos ||
                           message.find("find first log") != std::string::npos;
      if (error == kPurgedBinlog && missing) {
        Fail(Status::NotFound(fmt::format(
            "mysql-cdc: binlog {} position {} is no longer readable on the server ({}); it was "
            "probably purged: start over with a new snapshot ('state.start-fresh' = 'true' or "
            "sluice run --fresh)",
            file, position, message)));
      } else if (error == kPurgedBinlog) {
        Fail(Status::InvalidArgument(
            fmt::format("mysql-cdc: the server refused the binlog: {}", message)));
      } else {
        Fail(Status::Unavailable(
            fmt::format("mysql-cdc: binlog stream ended: {} (error {})", message, error)));
      }
      break;
    }
    if (event->event_type == HEARTBEAT_LOG_EVENT) continue;
    Event out;
    out.type = static_cast<uint8_t>(event->event_type);
    out.timestamp = event->timestamp;
    out.next_pos = event->next_event_pos;
    const size_t length = event->event_length;
    const size_t offset = event->raw_data_size >= length ? event->raw_data_size - length : 0;
    const size_t checksum = rpl->use_checksum ? 4 : 0;
    if (length >= kHeaderSize + checksum && offset + length <= event->raw_data_size) {
      out.body.assign(reinterpret_cast<const char*>(event->raw_data) + offset + kHeaderSize,
                      length - kHeaderSize - checksum);
    }
    if (event->event_type == ROTATE_EVENT) {
      out.rotate_file.assign(event->event.rotate.filename.str, event->event.rotate.filename.length);
      out.rotate_pos = event->event.rotate.position;
    } else if (event->event_type == QUERY_EVENT) {
      out.statement.assign(event->event.query.statement.str, event->event.query.statement.length);
    }
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return stopping_ || queue_.size() < kMaxQueued; });
    if (stopping_) break;
    queue_.push_back(std::move(out));
    changed_.notify_all();
  }
  if (event != nullptr) ::mariadb_free_rpl_event(event);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    socket_ = -1;
  }
  ::mariadb_rpl_close(rpl);
}

Result<std::optional<BinlogStream::Event>> BinlogStream::Next(int wait_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(wait_ms),
                    [&] { return !queue_.empty() || !error_.ok(); });
  if (!queue_.empty()) {
    Event event = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return std::optional<Event>(std::move(event));
  }
  if (!error_.ok()) return error_;
  return std::optional<Event>();
}

void BinlogStream::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    if (socket_ >= 0) ::shutdown(socket_, SHUT_RDWR);
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.clear();
}

}  // namespace sluice::connectors
