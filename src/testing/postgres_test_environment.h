#pragma once

#include <gtest/gtest.h>

#include "testing/postgres_server.h"

namespace sluice::testing {

/// Stops the process-wide PostgreSQL server (PostgresServer::Shared) after the last test.
/// Registered once per test binary by including this header.
class PostgresTestEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PostgresServer::DestroyShared(); }
};

inline ::testing::Environment* const kPostgresTestEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresTestEnvironment);

}  // namespace sluice::testing
