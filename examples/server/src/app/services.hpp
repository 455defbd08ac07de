// SPDX-License-Identifier: Apache-2.0
// The process-wide services, one instance each, wired in app/ at start-up. Each module owns its
// own class and only a pointer lives here, so modules do not include each other's headers.
#pragma once

#include <span>

namespace energy::storage {
class group_writer;  // energy/storage/group_writer.hpp: group commit of ingest batches
}

namespace energy::server {

struct config;        // app/config.hpp: the environment-variable configuration
class metrics;        // http/metrics.hpp: Prometheus counters and histograms
class logger;         // http/log.hpp: structured JSON lines on stdout
class authenticator;  // auth/authenticator.hpp: credentials -> principal
class timed_pool;     // http/timed_pool.hpp: long computations with a deadline

namespace auth {
class service;  // auth/service.hpp: users, tokens, device keys, audit
}
namespace jobs {
class service;  // jobs/service.hpp: scheduler, job runs, alerts, notifications
}

struct services {
  const server::config* config = nullptr;
  server::metrics* metrics = nullptr;
  server::logger* log = nullptr;
  server::authenticator* authenticator = nullptr;
  auth::service* auth = nullptr;
  jobs::service* jobs = nullptr;
  /// The writers that commit concurrent ingest batches together, ENERGY_INGEST_WRITERS of them
  /// (none with ENERGY_INGEST_QUEUE = 0, on the memory store, and in tests that call handlers
  /// directly).
  std::span<storage::group_writer* const> ingest_writers;
  /// Report threads with ENERGY_REPORT_TIMEOUT (null: reports run on the request's worker).
  server::timed_pool* reports = nullptr;
};

}  // namespace energy::server
