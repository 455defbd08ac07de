// SPDX-License-Identifier: Apache-2.0
#include "http/log.hpp"
#include "http/json_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace energy::server {

namespace {

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // generous: -Wformat-truncation cannot bound tm fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

const char* name(log_level l) {
  switch (l) {
    case log_level::debug:
      return "debug";
    case log_level::info:
      return "info";
    case log_level::warning:
      return "warning";
    case log_level::error:
      return "error";
  }
  return "info";
}

}  // namespace

void logger::write(log_level level, nlohmann::json line) {
  if (static_cast<int>(level) < static_cast<int>(min_level_)) return;
  line["ts"] = now_rfc3339();
  line["level"] = name(level);
  // Invalid UTF-8 from a client (a path, a header) must not make the log line throw.
  const std::string text = json_text(line);
  const std::lock_guard lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void logger::info(std::string_view event, nlohmann::json fields) {
  fields["event"] = event;
  write(log_level::info, std::move(fields));
}
void logger::warning(std::string_view event, nlohmann::json fields) {
  fields["event"] = event;
  write(log_level::warning, std::move(fields));
}
void logger::error(std::string_view event, nlohmann::json fields) {
  fields["event"] = event;
  write(log_level::error, std::move(fields));
}

}  // namespace energy::server
