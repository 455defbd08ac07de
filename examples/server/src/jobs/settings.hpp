// SPDX-License-Identifier: Apache-2.0
// The jobs module's configuration: environment variables, read once at start-up. Every variable
// has a documented default; a malformed value is refused at start-up naming the variable (a
// mistyped interval must not silently run a job at the wrong rate).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace energy::server::jobs {

/// One environment variable, for the server's `--help`.
struct documented_variable {
  std::string name;
  std::string default_value;  ///< as the user would write it; empty when unset by default
  std::string meaning;
};

struct settings {
  /// Whether this replica runs the scheduler at all (ENERGY_JOBS=off for API-only replicas).
  bool scheduler_enabled = true;
  /// How often the scheduler wakes to look for due periods. Periods stay aligned to the clock
  /// (hh:00, hh:15, ...); the tick only bounds how late after the boundary a run starts.
  std::chrono::seconds tick{30};
  /// A lease is renewed between a job's steps; a replica that dies leaves it to expire after
  /// this long, and the next replica (or the next tick) takes the period over.
  std::chrono::seconds lease{600};
  /// A failed run of a period is retried after this delay (still within the same period key).
  std::chrono::seconds retry_after{300};
  /// Daily retention runs at this UTC hour (0-23), after the night's late readings.
  int retention_hour_utc = 2;
  /// Where retention archives raw readings: a directory or s3://BUCKET (the CLI's rules). Empty:
  /// the retention job is off (readings are never dropped without an archive).
  std::string archive;
  std::chrono::days raw_retention{90};
  std::chrono::days summary_retention{5 * 365};

  /// SMTP relay for alert e-mail: smtp://host:port or smtps://host:port. Empty: e-mail channels
  /// fail (recorded in the outbox) instead of being dropped silently.
  std::string smtp_url;
  std::string smtp_from = "energy-alerts@localhost";
  std::string smtp_user;
  std::string smtp_password;
  /// Delivery attempts of one notification before it is recorded as failed for good.
  int notify_max_attempts = 8;
  /// First retry delay; doubled after each failure (capped at one hour).
  std::chrono::seconds notify_backoff{30};
  /// Per-attempt network timeout of an e-mail or webhook delivery.
  std::chrono::seconds notify_timeout{10};
  /// How often the delivery worker looks for due notifications.
  std::chrono::seconds notify_poll{2};

  /// Reads ENERGY_JOBS, ENERGY_JOB_*, ENERGY_RETENTION_*, ENERGY_ARCHIVE, ENERGY_SMTP_* and
  /// ENERGY_NOTIFY_*. @throws std::invalid_argument naming the variable and the accepted form.
  [[nodiscard]] static settings from_environment();
  /// Every variable from_environment() reads, with its default and meaning.
  [[nodiscard]] static std::vector<documented_variable> documented();
};

}  // namespace energy::server::jobs
