#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"
#include "connectors/mysql/mysql_cdc_options.h"

namespace sluice::connectors {

/// A replication connection (MariaDB Connector/C's mariadb_rpl_* API) that reads the binlog from
/// a file and position on its own thread into a bounded queue of raw events, so that the reader
/// never blocks in the library. Lifecycle: Start, any number of Next, Stop (or destroy). Start
/// and Stop again to read from elsewhere. Next and Start/Stop are called from one thread.
class BinlogStream {
 public:
  /// One binlog event as the server sent it.
  struct Event {
    uint8_t type = 0;
    uint32_t timestamp = 0;   // seconds since the epoch, from the event header
    uint32_t next_pos = 0;    // position after the event in its file (0 for artificial events)
    std::string body;         // after the 19-byte header, without the checksum
    std::string rotate_file;  // ROTATE events: the next file and position
    uint64_t rotate_pos = 0;
    std::string statement;  // QUERY events: the SQL text
  };

  BinlogStream() = default;
  ~BinlogStream() { Stop(); }
  BinlogStream(const BinlogStream&) = delete;
  BinlogStream& operator=(const BinlogStream&) = delete;

  /// Starts reading `file` at `position` as replica `options.server_id`.
  Status Start(const MySqlCdcOptions& options, const std::string& file, uint64_t position);
  /// Returns the next event, waiting up to `wait_ms` for one (nullopt when none came). A failed
  /// stream returns its error: kUnavailable for a lost connection, kNotFound for a binlog the
  /// server no longer has.
  Result<std::optional<Event>> Next(int wait_ms);
  /// Ends the connection and joins the thread.
  void Stop();
  bool running() const { return thread_.joinable(); }

 private:
  void Run(MySqlCdcOptions options, std::string file, uint64_t position);
  void Fail(Status status);

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> queue_;
  Status error_;
  bool stopping_ = false;
  int socket_ = -1;  // the replication connection's socket, to unblock the thread on Stop
};

}  // namespace sluice::connectors
