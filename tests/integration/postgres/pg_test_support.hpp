// SPDX-License-Identifier: Apache-2.0
// Helpers for tests against the throwaway servers that the CTest fixtures start
// (tests/integration/test_servers.sh writes their addresses under $ENERGY_TEST_SERVERS).
#pragma once

#include <energy/storage/postgres.hpp>
#include <energy/uuid.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>

namespace energy::test {

/// First line of `<servers>/<sub>/<file>`, or nullopt when the fixture did not write it.
inline std::optional<std::string> server_address(const std::string& sub, const std::string& file) {
  const char* dir = std::getenv("ENERGY_TEST_SERVERS");
  if (dir == nullptr) return std::nullopt;
  std::ifstream in(std::string(dir) + "/" + sub + "/" + file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return std::nullopt;
  return line;
}

/// URI of the fixture's PostgreSQL; throws (failing the test loudly) when the fixture is absent.
inline std::string postgres_uri(const std::string& sub = "postgres") {
  auto uri = server_address(sub, "postgres.uri");
  if (!uri)
    throw std::runtime_error(
        "no PostgreSQL test server: run through ctest (fixture postgres_server), "
        "or set ENERGY_TEST_SERVERS to a directory with " +
        sub + "/postgres.uri");
  return *uri;
}

/// A schema name of its own for one test, so tests share the server without sharing data.
inline std::string fresh_schema(const std::string& prefix = "t") {
  auto s = uuid::v7().to_string();
  std::string out = prefix + "_";
  for (char c : s)
    if (c != '-') out += c;
  return out;
}

/// Options for a test store in a fresh schema (small pool, fast retries).
inline storage::postgres_options test_options(const std::string& prefix = "t") {
  storage::postgres_options o;
  o.schema = fresh_schema(prefix);
  o.pool_size = 2;
  o.retry_backoff = std::chrono::milliseconds{50};
  o.partitions_ahead_days = 2;
  return o;
}

}  // namespace energy::test
