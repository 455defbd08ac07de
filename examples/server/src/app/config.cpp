// SPDX-License-Identifier: Apache-2.0
#include "app/config.hpp"
#include "db/sql.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace energy::server {

env_lookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::vector<env_var> core_variables() {
  return {
      {"ENERGY_DB", "sqlite:$ENERGY_DATA_DIR/energy.db",
       "Database of the store and the server's tables: sqlite:PATH, a file path, or "
       "postgresql://user@host:port/db (the CLI's URIs)."},
      {"ENERGY_DATA_DIR", "./energy-data",
       "Directory of the default SQLite database (created when missing)."},
      {"ENERGY_LISTEN", "127.0.0.1:8080",
       "Address and port to listen on (IPv6 as [::1]:8080; port 0 picks a free one, printed in "
       "the 'listening' log line)."},
      {"ENERGY_THREADS", "number of CPUs (at least 2)",
       "Worker threads running handlers; each has its own store and database connection."},
      {"ENERGY_IO_THREADS", "1", "Network threads (reading and writing HTTP)."},
      {"ENERGY_MAX_QUEUE", "1024",
       "Requests waiting for a worker before the server answers 503 with Retry-After."},
      {"ENERGY_INGEST_QUEUE", "64",
       "Ingest batches waiting for (or in) the group commit (SQLite and PostgreSQL); beyond, POST "
       "/sensors/readings/batch answers 503 with Retry-After. 0: no group commit (each request "
       "commits its own batch, one at a time)."},
      {"ENERGY_INGEST_WRITERS", "auto",
       "Group-commit writers for ingest, each with its own connection and transaction, sharing "
       "ENERGY_INGEST_QUEUE. auto: 2 on PostgreSQL (ingest then uses two backends, i.e. cores), "
       "1 on SQLite (which takes one writer at a time)."},
      {"ENERGY_MAX_HEADER_BYTES", "16384", "Largest request header block (431 beyond)."},
      {"ENERGY_MAX_BODY_BYTES", "16777216", "Largest request body as sent (413 beyond)."},
      {"ENERGY_MAX_DECOMPRESSED_BYTES", "67108864",
       "Largest body after gzip decompression (413 beyond: no zip bombs)."},
      {"ENERGY_MAX_BATCH_READINGS", "50000",
       "Most readings in one POST /sensors/readings/batch (413 beyond)."},
      {"ENERGY_REQUEST_TIMEOUT", "30",
       "Seconds to receive one whole request, the idle keep-alive wait included."},
      {"ENERGY_REPORT_TIMEOUT", "60",
       "Seconds a report (GET .../analytics/report) may take; beyond, the client gets 504 "
       "(/problems/timeout)."},
      {"ENERGY_REPORT_THREADS", "2",
       "Threads that build reports (at most this many at once; 4 per thread may wait, beyond: "
       "503)."},
      {"ENERGY_DRAIN_TIMEOUT", "30",
       "Seconds SIGTERM/SIGINT waits for in-flight requests before the process exits."},
      {"ENERGY_RETRY_AFTER", "2", "Retry-After seconds of 503 answers."},
      {"ENERGY_TLS_CERT", "", "PEM certificate chain: with ENERGY_TLS_KEY the server speaks TLS."},
      {"ENERGY_TLS_KEY", "", "PEM private key of ENERGY_TLS_CERT."},
      {"ENERGY_TRUST_PROXY", "0",
       "1: take the client address from X-Forwarded-For (only behind a reverse proxy)."},
      {"ENERGY_LOG_LEVEL", "info", "debug, info, warning or error (JSON lines on stdout)."},
      {"ENERGY_PUBLIC_URL", "",
       "External base URL (https://energy.example.com) listed in the OpenAPI document."},
      {"ENERGY_DASHBOARD_DIR", ENERGY_DASHBOARD_DEFAULT_DIR,
       "Directory of the built web dashboard served at / (index.html and assets/); a missing "
       "directory: / answers 404 and the API is unaffected."},
  };
}

namespace {

std::size_t parse_size(const env_lookup& env, std::string_view name, std::size_t fallback,
                       std::size_t minimum, std::size_t maximum) {
  const auto text = env(name);
  if (!text || text->empty()) return fallback;
  std::size_t v = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc{} || ptr != end || v < minimum || v > maximum) {
    throw std::invalid_argument(std::string(name) + "='" + *text +
                                "': expected a whole number from " + std::to_string(minimum) +
                                " to " + std::to_string(maximum));
  }
  return v;
}

bool parse_bool(const env_lookup& env, std::string_view name) {
  const auto text = env(name);
  if (!text || text->empty() || *text == "0" || *text == "false") return false;
  if (*text == "1" || *text == "true") return true;
  throw std::invalid_argument(std::string(name) + "='" + *text + "': expected 0/1 or false/true");
}

}  // namespace

config config::from_environment(const env_lookup& env) {
  config c;
  c.env = env;
  c.data_dir = env("ENERGY_DATA_DIR").value_or("");
  if (c.data_dir.empty()) c.data_dir = "./energy-data";
  c.db_uri = env("ENERGY_DB").value_or("");
  if (c.db_uri.empty()) {
    c.db_uri = "sqlite:" + c.data_dir + "/energy.db";
    c.db_defaulted = true;
  }

  std::string listen = env("ENERGY_LISTEN").value_or("");
  if (listen.empty()) listen = "127.0.0.1:8080";
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    throw std::invalid_argument("ENERGY_LISTEN='" + listen + "': expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) throw std::invalid_argument("ENERGY_LISTEN='" + listen + "': host is empty");
  c.listen_address = host;
  const auto port_text = listen.substr(colon + 1);
  unsigned port = 0;
  const auto [ptr, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port > 65535)
    throw std::invalid_argument("ENERGY_LISTEN='" + listen + "': port must be 0..65535");
  c.listen_port = static_cast<std::uint16_t>(port);

  const std::size_t cpus = std::max(2u, std::thread::hardware_concurrency());
  c.worker_threads = parse_size(env, "ENERGY_THREADS", cpus, 1, 1024);
  c.io_threads = parse_size(env, "ENERGY_IO_THREADS", 1, 1, 64);
  c.max_queue = parse_size(env, "ENERGY_MAX_QUEUE", c.max_queue, 1, 1'000'000);
  c.ingest_queue = parse_size(env, "ENERGY_INGEST_QUEUE", c.ingest_queue, 0, 100'000);
  if (const auto writers = env("ENERGY_INGEST_WRITERS"); !writers || *writers == "auto") {
    // SQLite serialises writers; PostgreSQL's durable ingest is faster with two writers than with
    // one on 2 cores (figures and commands: docs/benchmarks.md).
    c.ingest_writers = db::is_postgres_uri(c.db_uri) ? 2 : 1;
  } else {
    c.ingest_writers = parse_size(env, "ENERGY_INGEST_WRITERS", 1, 1, 16);
  }
  c.max_header_bytes =
      parse_size(env, "ENERGY_MAX_HEADER_BYTES", c.max_header_bytes, 1024, 1u << 20);
  c.max_body_bytes = parse_size(env, "ENERGY_MAX_BODY_BYTES", c.max_body_bytes, 1024, 1u << 30);
  c.max_decompressed_bytes =
      parse_size(env, "ENERGY_MAX_DECOMPRESSED_BYTES", c.max_decompressed_bytes, 1024, 1u << 30);
  c.max_batch_readings =
      parse_size(env, "ENERGY_MAX_BATCH_READINGS", c.max_batch_readings, 1, 10'000'000);
  c.request_timeout = std::chrono::seconds(parse_size(
      env, "ENERGY_REQUEST_TIMEOUT", static_cast<std::size_t>(c.request_timeout.count()), 1, 3600));
  c.report_timeout = std::chrono::seconds(
      parse_size(env, "ENERGY_REPORT_TIMEOUT",
                 static_cast<std::size_t>(
                     std::chrono::duration_cast<std::chrono::seconds>(c.report_timeout).count()),
                 1, 3600));
  c.report_threads = parse_size(env, "ENERGY_REPORT_THREADS", c.report_threads, 1, 64);
  c.drain_timeout = std::chrono::seconds(parse_size(
      env, "ENERGY_DRAIN_TIMEOUT", static_cast<std::size_t>(c.drain_timeout.count()), 0, 3600));
  c.retry_after_seconds = static_cast<int>(parse_size(env, "ENERGY_RETRY_AFTER", 2, 1, 3600));
  c.tls_cert_file = env("ENERGY_TLS_CERT").value_or("");
  c.tls_key_file = env("ENERGY_TLS_KEY").value_or("");
  if (c.tls_cert_file.empty() != c.tls_key_file.empty())
    throw std::invalid_argument("ENERGY_TLS_CERT and ENERGY_TLS_KEY must be set together");
  c.trust_proxy = parse_bool(env, "ENERGY_TRUST_PROXY");
  c.log_level = env("ENERGY_LOG_LEVEL").value_or("info");
  if (c.log_level.empty()) c.log_level = "info";
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warning" &&
      c.log_level != "error") {
    throw std::invalid_argument("ENERGY_LOG_LEVEL='" + c.log_level +
                                "': expected debug, info, warning or error");
  }
  c.public_url = env("ENERGY_PUBLIC_URL").value_or("");
  c.dashboard_dir = env("ENERGY_DASHBOARD_DIR").value_or("");
  if (c.dashboard_dir.empty()) c.dashboard_dir = ENERGY_DASHBOARD_DEFAULT_DIR;
  return c;
}

std::string help_text(const std::vector<env_var>& vars) {
  std::string out =
      "usage: energy-server [--help] [--version] [--openapi]\n"
      "\n"
      "The energy reference server: REST API (/api/v1, OpenAPI at /api/v1/openapi.json),\n"
      "ingest, health (/healthz, /readyz) and Prometheus metrics (/metrics).\n"
      "With no configuration it listens on 127.0.0.1:8080 and keeps its data in\n"
      "./energy-data/energy.db. SIGTERM or SIGINT drains: in-flight requests finish first.\n"
      "--openapi prints the OpenAPI document and exits.\n"
      "\n"
      "Environment variables:\n";
  for (const auto& v : vars) {
    out += "  " + v.name + "\n      " + v.help + "\n";
    if (!v.default_value.empty()) out += "      default: " + v.default_value + "\n";
  }
  return out;
}

}  // namespace energy::server
