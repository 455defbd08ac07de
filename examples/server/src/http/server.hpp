// SPDX-License-Identifier: Apache-2.0
// The network side: an HTTP/1.1 listener (Boost.Beast over Asio, optionally TLS through OpenSSL)
// that reads requests with limits, inflates gzip bodies, hands each request to the worker pool
// and writes the answer back on its connection. Beast and Asio appear only in server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/dispatch.hpp"
#include "http/worker_pool.hpp"

namespace energy::server {

class logger;

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;                       ///< 0: any free port (see http_server::port)
  std::size_t io_threads = 1;                      ///< network threads (handlers run elsewhere)
  std::size_t max_header_bytes = 16 * 1024;        ///< 431 beyond
  std::size_t max_body_bytes = 16u << 20;          ///< as sent (compressed or not); 413 beyond
  std::size_t max_decompressed_bytes = 64u << 20;  ///< after gzip; 413 beyond
  std::chrono::seconds request_timeout{30};        ///< to receive one whole request (the idle
                                                   ///< keep-alive wait included)
  std::chrono::seconds drain_timeout{30};          ///< SIGTERM: longest wait for in-flight work
  std::string tls_cert_file;                       ///< PEM chain; with tls_key_file: TLS on
  std::string tls_key_file;
  bool trust_forwarded_for = false;  ///< remote address from X-Forwarded-For
  int retry_after_seconds = 2;       ///< on 503 when the worker queue is full
};

/**
 * Binds on construction; `run()` serves until SIGINT/SIGTERM or `request_stop()`, then drains:
 * stops accepting, closes idle keep-alive connections, answers every request already received
 * (closing its connection after the answer), and returns once none is left or `drain_timeout`
 * passed. Thousands of idle keep-alive connections cost memory only (asynchronous sessions), not
 * threads, so they never block new requests.
 */
class http_server {
 public:
  /// @throws std::runtime_error naming the address when it cannot bind, or the TLS file that
  ///         cannot be loaded.
  http_server(server_options options, dispatcher& d, worker_pool& pool, logger* log);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The bound port (the actual one when options.port was 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] bool tls() const noexcept;
  /// Serves on the calling thread (plus io_threads - 1 more) until stopped and drained.
  void run();
  /// Starts the drain as SIGTERM does. Thread-safe.
  void request_stop();

  struct impl;  // Beast/Asio state, in server.cpp

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace energy::server
