// SPDX-License-Identifier: Apache-2.0
// The server's configuration: ENERGY_* environment variables (the seed's way), each declared once
// with its default and meaning, so `--help` lists every variable of every module.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace energy::server {

/// One environment variable a module reads. `default_value` is what an unset variable means
/// (empty: no default, described in `help`).
struct env_var {
  std::string name;
  std::string default_value;
  std::string help;
};

/// Where variables come from: the process environment, or a map in tests.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv).
[[nodiscard]] env_lookup process_environment();

/// The core's variables (HTTP layer, database, limits), in --help order.
[[nodiscard]] std::vector<env_var> core_variables();

struct config {
  std::string db_uri;    ///< ENERGY_DB: sqlite:PATH, a path, postgresql://...
  std::string data_dir;  ///< ENERGY_DATA_DIR: where the default SQLite file lives
  bool db_defaulted = false;
  std::string listen_address = "127.0.0.1";  ///< ENERGY_LISTEN host part
  std::uint16_t listen_port = 8080;          ///< ENERGY_LISTEN port part (0: any free port)
  std::size_t worker_threads = 4;            ///< ENERGY_THREADS
  std::size_t io_threads = 1;                ///< ENERGY_IO_THREADS
  std::size_t max_queue = 1024;              ///< ENERGY_MAX_QUEUE
  std::size_t ingest_writers = 1;            ///< ENERGY_INGEST_WRITERS (auto: 2 on PostgreSQL)
  std::size_t ingest_queue = 64;             ///< ENERGY_INGEST_QUEUE (group commit; 0: none)
  std::size_t max_header_bytes = 16 * 1024;  ///< ENERGY_MAX_HEADER_BYTES
  std::size_t max_body_bytes = 16u << 20;    ///< ENERGY_MAX_BODY_BYTES
  std::size_t max_decompressed_bytes = 64u << 20;    ///< ENERGY_MAX_DECOMPRESSED_BYTES
  std::size_t max_batch_readings = 50'000;           ///< ENERGY_MAX_BATCH_READINGS
  std::chrono::seconds request_timeout{30};          ///< ENERGY_REQUEST_TIMEOUT
  std::chrono::milliseconds report_timeout{60'000};  ///< ENERGY_REPORT_TIMEOUT (seconds)
  std::size_t report_threads = 2;                    ///< ENERGY_REPORT_THREADS
  std::chrono::seconds drain_timeout{30};            ///< ENERGY_DRAIN_TIMEOUT
  int retry_after_seconds = 2;                       ///< ENERGY_RETRY_AFTER
  std::string tls_cert_file;                         ///< ENERGY_TLS_CERT
  std::string tls_key_file;                          ///< ENERGY_TLS_KEY
  bool trust_proxy = false;                          ///< ENERGY_TRUST_PROXY
  std::string log_level = "info";                    ///< ENERGY_LOG_LEVEL
  std::string public_url;                            ///< ENERGY_PUBLIC_URL (OpenAPI servers)
  std::string dashboard_dir;                         ///< ENERGY_DASHBOARD_DIR (served at /)

  /// Raw access for modules that read their own variables (auth, jobs).
  env_lookup env;
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const {
    return env ? env(name) : std::nullopt;
  }

  /// Reads every core variable. @throws std::invalid_argument naming the variable, its value and
  /// what is accepted.
  [[nodiscard]] static config from_environment(const env_lookup& env);
};

/// `--help` text: usage and every variable of `vars` with default and meaning.
[[nodiscard]] std::string help_text(const std::vector<env_var>& vars);

}  // namespace energy::server
