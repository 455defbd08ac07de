// SPDX-License-Identifier: Apache-2.0
// Structured logs: one JSON object per line on stdout (the seed's "structured JSON logging").
#pragma once

#include <mutex>
#include <string_view>

#include <nlohmann/json.hpp>

namespace energy::server {

enum class log_level : int { debug = 0, info = 1, warning = 2, error = 3 };

/// Thread-safe; each line is written whole. Adds "ts" (UTC, RFC 3339 with milliseconds) and
/// "level" to the object it is given.
class logger {
 public:
  explicit logger(log_level min_level = log_level::info) : min_level_(min_level) {}
  void write(log_level level, nlohmann::json line);
  void info(std::string_view event, nlohmann::json fields = nlohmann::json::object());
  void warning(std::string_view event, nlohmann::json fields = nlohmann::json::object());
  void error(std::string_view event, nlohmann::json fields = nlohmann::json::object());

 private:
  log_level min_level_;
  std::mutex mutex_;
};

}  // namespace energy::server
