// SPDX-License-Identifier: Apache-2.0
#include <cstdlib>

#include <energy/archive/object_store.hpp>
#include <energy/archive/retention.hpp>
#include <energy/storage/open.hpp>

#include "jobs/job_steps.hpp"

namespace energy::server::jobs {

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

/// The archive named by ENERGY_ARCHIVE: a directory, or s3://BUCKET with the CLI's variables.
std::unique_ptr<archive::object_store> open_archive(const std::string& where) {
  if (where.starts_with("s3://")) {
    archive::s3_config c;
    c.bucket = where.substr(5);
    c.endpoint = env_or("ENERGY_S3_ENDPOINT", "");
    c.region = env_or("AWS_REGION", "us-east-1");
    c.access_key = env_or("AWS_ACCESS_KEY_ID", "");
    c.secret_key = env_or("AWS_SECRET_ACCESS_KEY", "");
    if (c.endpoint.empty())
      throw std::invalid_argument("ENERGY_ARCHIVE=s3://... needs ENERGY_S3_ENDPOINT");
    return archive::open_s3_store(c);
  }
  return archive::open_directory_store(where);
}

}  // namespace

job_result run_retention_job(step_context& ctx, const settings& s, std::string_view db_uri) {
  job_result r;
  if (s.archive.empty()) {
    r.error = "retention is off: ENERGY_ARCHIVE is not set (readings are never dropped unarchived)";
    return r;
  }
  auto port = storage::open_retention_uri(db_uri);
  auto objects = open_archive(s.archive);
  archive::retention_options o;
  o.raw_retention = s.raw_retention;
  o.summary_retention = s.summary_retention;
  o.now = ctx.now;
  // One library call: the library's job is itself idempotent and crash-safe day by day, and
  // holds its own lock, so a second process finds it busy rather than racing.
  const auto report = archive::run_retention(*port, *objects, o);
  r.busy = report.lock_busy;
  r.counts = {{"days_archived", report.days_archived},
              {"rows_archived", report.rows_archived},
              {"days_dropped_empty", report.days_dropped_empty},
              {"days_pending", report.days_pending.size()},
              {"days_changed", report.days_changed.size()},
              {"summaries_deleted", report.summaries_deleted}};
  return r;
}

}  // namespace energy::server::jobs
