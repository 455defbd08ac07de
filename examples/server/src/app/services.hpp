// SPDX-License-Identifier: Apache-2.0
// The process-wide services, one instance each, wired in app/ at start-up. Each module owns its
// own class and only a pointer lives here, so modules do not include each other's headers.
#pragma once

namespace energy::storage {
class group_writer;  // energy/storage/group_writer.hpp: group commit of ingest batches
}

namespace energy::server {

struct config;        // app/config.hpp: the environment-variable configuration
class metrics;        // http/metrics.hpp: Prometheus counters and histograms
class logger;         // http/log.hpp: structured JSON lines on stdout
class authenticator;  // auth/authenticator.hpp: credentials -> principal

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
  /// SQLite only: the one writer that commits concurrent ingest batches together (null on
  /// PostgreSQL, whose sessions write in parallel, and in tests that call handlers directly).
  storage::group_writer* ingest_writer = nullptr;
};

}  // namespace energy::server
