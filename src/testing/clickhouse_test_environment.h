#pragma once

#include <gtest/gtest.h>

#include "testing/clickhouse_server.h"

namespace sluice::testing {

/// Stops the process-wide ClickHouse server (ClickHouseServer::Shared) after the last test.
/// Registered once per test binary by including this header.
class ClickHouseTestEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { ClickHouseServer::DestroyShared(); }
};

inline ::testing::Environment* const kClickHouseTestEnvironment =
    ::testing::AddGlobalTestEnvironment(new ClickHouseTestEnvironment);

}  // namespace sluice::testing
