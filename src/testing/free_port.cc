#include "testing/free_port.h"

#include "connectors/clickhouse/local_clickhouse_server.h"

namespace sluice::testing {

// The same kernel pick that `sluice demo` uses for the ClickHouse it starts.
Result<int> PickFreePort() { return connectors::LocalClickHouseServer::FreePort(); }

}  // namespace sluice::testing
