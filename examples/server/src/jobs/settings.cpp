// SPDX-License-Identifier: Apache-2.0
#include "jobs/settings.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace energy::server::jobs {

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

std::int64_t integer_env(const char* name, std::int64_t fallback, std::int64_t min,
                         std::int64_t max) {
  const char* text = env(name);
  if (!text) return fallback;
  const std::string_view s(text);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < min || v > max)
    throw std::invalid_argument(std::string(name) + "='" + std::string(s) +
                                "': expected a whole number from " + std::to_string(min) + " to " +
                                std::to_string(max));
  return v;
}

std::string string_env(const char* name, std::string fallback) {
  const char* text = env(name);
  return text ? std::string(text) : fallback;
}

bool switch_env(const char* name, bool fallback) {
  const char* text = env(name);
  if (!text) return fallback;
  const std::string_view s(text);
  if (s == "on" || s == "1" || s == "true") return true;
  if (s == "off" || s == "0" || s == "false") return false;
  throw std::invalid_argument(std::string(name) + "='" + std::string(s) + "': expected on or off");
}

}  // namespace

settings settings::from_environment() {
  settings s;
  s.scheduler_enabled = switch_env("ENERGY_JOBS", s.scheduler_enabled);
  s.tick = std::chrono::seconds{integer_env("ENERGY_JOB_TICK_SECONDS", s.tick.count(), 1, 900)};
  s.lease =
      std::chrono::seconds{integer_env("ENERGY_JOB_LEASE_SECONDS", s.lease.count(), 10, 86400)};
  s.retry_after = std::chrono::seconds{
      integer_env("ENERGY_JOB_RETRY_SECONDS", s.retry_after.count(), 1, 86400)};
  s.retention_hour_utc =
      static_cast<int>(integer_env("ENERGY_RETENTION_HOUR_UTC", s.retention_hour_utc, 0, 23));
  s.archive = string_env("ENERGY_ARCHIVE", "");
  s.raw_retention = std::chrono::days{
      integer_env("ENERGY_RAW_RETENTION_DAYS", s.raw_retention.count(), 1, 36500)};
  s.summary_retention = std::chrono::days{
      integer_env("ENERGY_SUMMARY_RETENTION_DAYS", s.summary_retention.count(), 1, 36500)};
  s.smtp_url = string_env("ENERGY_SMTP_URL", "");
  if (!s.smtp_url.empty() && !s.smtp_url.starts_with("smtp://") &&
      !s.smtp_url.starts_with("smtps://"))
    throw std::invalid_argument("ENERGY_SMTP_URL='" + s.smtp_url +
                                "': expected smtp://HOST:PORT or smtps://HOST:PORT");
  s.smtp_from = string_env("ENERGY_SMTP_FROM", s.smtp_from);
  s.smtp_user = string_env("ENERGY_SMTP_USER", "");
  s.smtp_password = string_env("ENERGY_SMTP_PASSWORD", "");
  s.notify_max_attempts =
      static_cast<int>(integer_env("ENERGY_NOTIFY_MAX_ATTEMPTS", s.notify_max_attempts, 1, 100));
  s.notify_backoff = std::chrono::seconds{
      integer_env("ENERGY_NOTIFY_BACKOFF_SECONDS", s.notify_backoff.count(), 1, 3600)};
  s.notify_timeout = std::chrono::seconds{
      integer_env("ENERGY_NOTIFY_TIMEOUT_SECONDS", s.notify_timeout.count(), 1, 300)};
  s.notify_poll = std::chrono::seconds{
      integer_env("ENERGY_NOTIFY_POLL_SECONDS", s.notify_poll.count(), 1, 300)};
  return s;
}

std::vector<documented_variable> settings::documented() {
  return {
      {"ENERGY_JOBS", "on",
       "run the scheduler in this replica (off: API only; job routes still answer)"},
      {"ENERGY_JOB_TICK_SECONDS", "30",
       "how often the scheduler looks for due periods (periods stay aligned to the clock)"},
      {"ENERGY_JOB_LEASE_SECONDS", "600",
       "lease of a running job; a replica that dies leaves its period to the next after this"},
      {"ENERGY_JOB_RETRY_SECONDS", "300", "delay before a failed run of a period is retried"},
      {"ENERGY_RETENTION_HOUR_UTC", "2", "UTC hour of the daily retention and archive job"},
      {"ENERGY_ARCHIVE", "",
       "archive for retention: a directory or s3://BUCKET (ENERGY_S3_ENDPOINT, AWS_REGION, "
       "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); unset: retention off, nothing is dropped"},
      {"ENERGY_RAW_RETENTION_DAYS", "90", "raw readings kept online before archive"},
      {"ENERGY_SUMMARY_RETENTION_DAYS", "1825", "summaries kept"},
      {"ENERGY_SMTP_URL", "",
       "SMTP relay for alert e-mail (smtp://HOST:PORT, smtps://HOST:PORT); unset: e-mail "
       "notifications fail and are recorded as failed"},
      {"ENERGY_SMTP_FROM", "energy-alerts@localhost", "sender address of alert e-mail"},
      {"ENERGY_SMTP_USER", "", "SMTP user name (with ENERGY_SMTP_PASSWORD)"},
      {"ENERGY_SMTP_PASSWORD", "", "SMTP password"},
      {"ENERGY_NOTIFY_MAX_ATTEMPTS", "8", "delivery attempts of a notification before it fails"},
      {"ENERGY_NOTIFY_BACKOFF_SECONDS", "30",
       "first retry delay of a failed notification, doubled per attempt (max 1 h)"},
      {"ENERGY_NOTIFY_TIMEOUT_SECONDS", "10", "network timeout of one delivery attempt"},
      {"ENERGY_NOTIFY_POLL_SECONDS", "2", "how often due notifications are looked for"},
  };
}

}  // namespace energy::server::jobs
