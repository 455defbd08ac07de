// SPDX-License-Identifier: Apache-2.0
// Process start: --help/--version, configuration from ENERGY_*, the database (schema created on
// first start), the route table, the worker pool and the listener; returns after a drain.
#include "app/run.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <energy/storage/group_writer.hpp>
#include <energy/storage/open.hpp>
#include <energy/storage/store.hpp>

#include "app/config.hpp"
#include "app/modules.hpp"
#include "app/services.hpp"
#include "auth/service.hpp"
#include "auth/settings.hpp"
#include "jobs/service.hpp"
#include "jobs/settings.hpp"
#include "http/dispatch.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/timed_pool.hpp"
#include "http/worker_pool.hpp"
#ifdef ENERGY_SERVER_WITH_MODBUS
#include "transport/modbus_service.hpp"
#endif
#ifdef ENERGY_SERVER_WITH_MQTT
#include "transport/mqtt_alerts.hpp"
#include "transport/mqtt_ingest.hpp"
#endif

namespace energy::server {

namespace {

/// The URI as logged: a PostgreSQL password never reaches a log line.
std::string redacted(std::string uri) {
  const auto scheme = uri.find("://");
  const auto at = uri.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return uri;
  const auto colon = uri.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) uri.replace(colon + 1, at - colon - 1, "***");
  return uri;
}

/// Stores with write groups (the adapter's group_commit capability): SQLite and PostgreSQL, not the
/// memory store.
bool has_write_groups(std::string_view uri) {
  return !uri.starts_with("memory:");
}

log_level level_of(const std::string& name) {
  if (name == "debug") return log_level::debug;
  if (name == "warning") return log_level::warning;
  if (name == "error") return log_level::error;
  return log_level::info;
}

}  // namespace

int run_server(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(help_text(all_variables()).c_str(), stdout);
      return 0;
    }
    if (arg == "--openapi") {
      // The document without starting (CI lints it with Redocly): routes of every module, the
      // same set the running server serves, built over a private in-memory database.
      try {
        const auto cfg = config::from_environment(process_environment());
        auto memory = db::open("sqlite::memory:");
        auth::service auth_service(auth::settings::from_environment(), *memory);
        // Never started: it only contributes its routes (jobs, alert configurations, alerts).
        jobs::service job_service(jobs::settings::from_environment(), "sqlite::memory:", nullptr,
                                  nullptr);
        services app{.config = &cfg,
                     .authenticator = &auth_service,
                     .auth = &auth_service,
                     .jobs = &job_service};
        std::puts(assemble(cfg, app).openapi.dump(2).c_str());
        return 0;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "energy-server: %s\n", e.what());
        return 1;
      }
    }
    if (arg == "--version") {
      std::printf("energy-server %s\n", ENERGY_SERVER_VERSION);
      return 0;
    }
    std::fprintf(stderr,
                 "energy-server: unknown argument '%s' (configuration is by ENERGY_* "
                 "environment variables; see --help)\n",
                 arg.c_str());
    return 2;
  }

  config cfg;
  std::optional<auth::settings> auth_settings;
  std::optional<jobs::settings> jobs_settings;
#ifdef ENERGY_SERVER_WITH_MODBUS
  transport::modbus_settings modbus_settings;
#endif
  try {
    cfg = config::from_environment(process_environment());
    auth_settings = auth::settings::from_environment();
    jobs_settings = jobs::settings::from_environment();
#ifdef ENERGY_SERVER_WITH_MODBUS
    modbus_settings = transport::modbus_settings::from_environment(process_environment());
#endif
  } catch (const std::exception& e) {
    std::fprintf(stderr, "energy-server: %s\n", e.what());
    return 2;
  }

  logger log(level_of(cfg.log_level));
  metrics stats;
#ifdef ENERGY_SERVER_WITH_MQTT
  std::unique_ptr<transport::mqtt_ingest> mqtt_input;
  std::unique_ptr<transport::mqtt_alerts> mqtt_output;  // outlives the jobs service below
  try {
    mqtt_input = transport::mqtt_ingest::from_config(cfg, &stats, &log);
    mqtt_output = transport::mqtt_alerts::from_config(cfg);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "energy-server: %s\n", e.what());
    return 2;
  }
#endif
  try {
    if (cfg.db_defaulted) std::filesystem::create_directories(cfg.data_dir);
    // The first open creates (or migrates) the library's schema; the server's tables follow.
    { auto store = storage::open_store_uri(cfg.db_uri); }
    auto admin_db = db::open(cfg.db_uri);
    migrate_all(*admin_db);

    auth::service auth_service(*auth_settings, *admin_db);
    auth_service.set_logger(&log);
    jobs::service job_service(*jobs_settings, cfg.db_uri, &stats, &log);
#ifdef ENERGY_SERVER_WITH_MODBUS
    // Meter polling when ENERGY_MODBUS_CONFIG names a meter list (a bad list stops the start).
    auto modbus = transport::make_modbus_service(modbus_settings, cfg.db_uri, &stats, &log);
#endif
    // A commit pays one WAL flush (SQLite's fsync, PostgreSQL's WAL write): concurrent ingest
    // batches go to one group-commit writer, which commits the batches waiting together in one
    // transaction (docs/server.md, "Ingest and group commit").
    std::vector<std::unique_ptr<storage::group_writer>> ingest_writers;
    std::vector<storage::group_writer*> ingest_writer_list;
    if (has_write_groups(cfg.db_uri) && cfg.ingest_queue > 0) {
      stats.describe("energy_ingest_pending_batches", "gauge",
                     "Ingest batches waiting for or in the group commit");
      stats.describe("energy_ingest_group_commits_total", "counter",
                     "Transactions of the ingest group writer (each one or more batches)");
      stats.describe("energy_ingest_refused_total", "counter",
                     "Ingest batches answered 503 because the group commit queue was full");
      // Each writer has its own store (connection) and transactions; the queue is shared out.
      for (std::size_t i = 0; i < cfg.ingest_writers; ++i) {
        ingest_writers.push_back(std::make_unique<storage::group_writer>(
            [uri = cfg.db_uri] { return storage::open_store_uri(uri); },
            storage::group_writer_options{
                .max_pending = std::max<std::size_t>(1, cfg.ingest_queue / cfg.ingest_writers),
                .max_group_weight = std::max<std::size_t>(cfg.max_batch_readings, 200'000)}));
        ingest_writer_list.push_back(ingest_writers.back().get());
      }
    }
    timed_pool reports(cfg.report_threads, cfg.db_uri, 4 * cfg.report_threads, cfg.report_timeout);
    services app{.config = &cfg,
                 .metrics = &stats,
                 .log = &log,
                 .authenticator = &auth_service,
                 .auth = &auth_service,
                 .jobs = &job_service,
                 .ingest_writers = ingest_writer_list,
                 .reports = &reports};
    auto assembled = assemble(cfg, app);
    const router routes(std::move(assembled.routes));
    dispatcher dispatch(routes, app,
                        {.max_attempts = 3, .retry_after_seconds = cfg.retry_after_seconds});
    worker_pool pool(cfg.worker_threads, cfg.db_uri, cfg.max_queue);
    http_server server({.address = cfg.listen_address,
                        .port = cfg.listen_port,
                        .io_threads = cfg.io_threads,
                        .max_header_bytes = cfg.max_header_bytes,
                        .max_body_bytes = cfg.max_body_bytes,
                        .max_decompressed_bytes = cfg.max_decompressed_bytes,
                        .request_timeout = cfg.request_timeout,
                        .drain_timeout = cfg.drain_timeout,
                        .tls_cert_file = cfg.tls_cert_file,
                        .tls_key_file = cfg.tls_key_file,
                        .trust_forwarded_for = cfg.trust_proxy,
                        .retry_after_seconds = cfg.retry_after_seconds},
                       dispatch, pool, &log);
    const std::string scheme = server.tls() ? "https" : "http";
    log.info("listening",
             {{"address", cfg.listen_address},
              {"port", server.port()},
              {"url", scheme + "://" + cfg.listen_address + ":" + std::to_string(server.port())},
              {"tls", server.tls()},
              {"db", redacted(cfg.db_uri)},
              {"workers", pool.threads()},
              {"version", ENERGY_SERVER_VERSION}});
    const auto login = first_login_text(
        scheme + "://" + cfg.listen_address + ":" + std::to_string(server.port()), app, *admin_db);
    if (!login.empty()) std::fprintf(stderr, "%s\n", login.c_str());
    std::fprintf(stderr, "energy-server listening on %s://%s:%u (OpenAPI: /api/v1/openapi.json)\n",
                 scheme.c_str(), cfg.listen_address.c_str(), static_cast<unsigned>(server.port()));
    admin_db.reset();
    job_service.start();
#ifdef ENERGY_SERVER_WITH_MODBUS
    if (modbus) modbus->start();
#endif
#ifdef ENERGY_SERVER_WITH_MQTT
    if (mqtt_input) mqtt_input->start();
#endif
    server.run();
    // Drained: no request is in flight. Then the scheduler finishes its running job step.
#ifdef ENERGY_SERVER_WITH_MQTT
    if (mqtt_input) mqtt_input->stop();  // commits and acknowledges what it holds
#endif
    pool.stop();
    for (auto& w : ingest_writers)
      w->stop();     // commits what the last workers handed it
    reports.stop();  // answers the reports still queued or running
#ifdef ENERGY_SERVER_WITH_MODBUS
    if (modbus) modbus->stop();
#endif
    job_service.stop();
    log.info("stopped", {});
    return 0;
  } catch (const std::exception& e) {
    log.error("start_failed", {{"error", e.what()}});
    std::fprintf(stderr, "energy-server: %s\n", e.what());
    return 1;
  }
}

}  // namespace energy::server
