// SPDX-License-Identifier: Apache-2.0
// retention / restore: archive raw readings older than the retention window to a directory or
// S3-compatible bucket (then drop them), and re-import an archived range.
#include "commands.hpp"

#include <energy/archive/object_store.hpp>
#include <energy/archive/retention.hpp>
#include <energy/storage/open.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace energy::cli {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

/// --archive DIR, or s3://BUCKET with endpoint and credentials from the environment
/// (ENERGY_S3_ENDPOINT, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
std::unique_ptr<archive::object_store> open_archive(const args& a) {
  const auto where = a.require("archive");
  if (where.starts_with("s3://")) {
    archive::s3_config c;
    c.bucket = where.substr(5);
    c.endpoint = env_or("ENERGY_S3_ENDPOINT", "");
    c.region = env_or("AWS_REGION", "us-east-1");
    c.access_key = env_or("AWS_ACCESS_KEY_ID", "");
    c.secret_key = env_or("AWS_SECRET_ACCESS_KEY", "");
    if (c.endpoint.empty())
      throw usage_error(
          "s3:// archives need ENERGY_S3_ENDPOINT (e.g. https://s3.eu-west-1.amazonaws.com)");
    return archive::open_s3_store(c);
  }
  return archive::open_directory_store(where);
}

std::int64_t days_option(const args& a, std::string_view name, std::int64_t fallback) {
  const auto text = a.get(name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || p != text->data() + text->size() || v < 1)
    throw usage_error(fmt::format("--{}: '{}' is not a positive number of days", name, *text));
  return v;
}

utc_seconds instant_option(const args& a, std::string_view name) {
  const auto text = a.require(name);
  auto t = parse_utc_timestamp(text.size() == 10 ? text + "T00:00:00Z" : text);
  if (!t)
    throw usage_error(
        fmt::format("--{}: '{}' is not YYYY-MM-DD (UTC) or an RFC 3339 timestamp", name, text));
  return *t;
}

}  // namespace

int cmd_retention(const args& a, const std::string& uri) {
  auto objects = open_archive(a);
  auto db = storage::open_retention_uri(uri);
  archive::retention_options o;
  o.raw_retention = std::chrono::days{days_option(a, "raw-days", 90)};
  o.summary_retention = std::chrono::days{days_option(a, "summary-days", 5 * 365)};
  o.prefix = a.get_or("prefix", o.prefix);
  const auto r = archive::run_retention(*db, *objects, o);
  if (r.lock_busy) {
    fmt::print(stderr, "energy: another retention job holds the lock; nothing done\n");
    return 1;
  }
  fmt::print(
      "archived {} days ({} readings), dropped {} empty days, deleted {} old summaries; {} days "
      "kept "
      "because they still have unsummarised hours (run 'energy aggregate')\n",
      r.days_archived, r.rows_archived, r.days_dropped_empty, r.summaries_deleted,
      r.days_pending.size());
  if (!r.days_changed.empty())
    fmt::print(
        "{} days archived but kept: readings arrived or changed while the job ran (the next "
        "run archives them)\n",
        r.days_changed.size());
  return 0;
}

int cmd_restore(const args& a, storage::store& db) {
  auto objects = open_archive(a);
  const time_range range{instant_option(a, "from"), instant_option(a, "to")};
  if (range.empty()) throw usage_error("--to must be after --from");
  const auto n = archive::restore_range(*objects, db, range, a.get_or("prefix", "readings/"));
  fmt::print("restored {} readings from {} to {} (run 'energy aggregate' to refresh summaries)\n",
             n, format_utc(range.start), format_utc(range.end));
  return 0;
}

}  // namespace energy::cli
