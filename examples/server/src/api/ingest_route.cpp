// SPDX-License-Identifier: Apache-2.0
// POST /api/v1/sensors/readings/batch: the seed's batch body through the library's parser
// (simdjson) and ingest pipeline. 202 only after the rows are committed; the body accounts for
// every reading.
#include <algorithm>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>

#include <energy/ingest/ingest.hpp>
#include <energy/io/json_batch.hpp>
#include <energy/storage/group_writer.hpp>
#include <energy/storage/store.hpp>

#include "api/common.hpp"
#include "api/routes.hpp"
#include "app/config.hpp"
#include "app/services.hpp"
#include "db/sql.hpp"
#include "http/deferred_answer.hpp"
#include "http/metrics.hpp"
#include "http/problems.hpp"

namespace energy::server::api {

namespace {

/// Only the caller's sensors may be written: the tenant's, narrowed to a device key's buildings.
/// Readings of any other sensor are rejected as unknown_sensor, exactly like a missing one.
ingest::sensor_directory caller_sensors(request_context& ctx) {
  const auto& who = ctx.who();
  std::vector<uuid> buildings;
  for (const auto& b : ctx.store().list_buildings(who.tenant_id)) {
    if (who.buildings.empty() ||
        std::find(who.buildings.begin(), who.buildings.end(), b.id) != who.buildings.end())
      buildings.push_back(b.id);
  }
  std::vector<sensor> sensors;
  for (const auto& b : buildings) {
    auto list = ctx.store().list_sensors(b);
    sensors.insert(sensors.end(), std::make_move_iterator(list.begin()),
                   std::make_move_iterator(list.end()));
  }
  return ingest::sensor_directory(std::move(sensors));
}

void count(metrics* m, const ingest::ingest_report& report) {
  if (m == nullptr) return;
  m->add("energy_readings_ingested_total", {{"outcome", "inserted"}},
         static_cast<double>(report.inserted));
  m->add("energy_readings_ingested_total", {{"outcome", "unchanged"}},
         static_cast<double>(report.unchanged));
  m->add("energy_readings_ingested_total", {{"outcome", "replaced"}},
         static_cast<double>(report.replaced));
  const auto reasons = ingest::count_reasons(report.rejections);
  for (std::size_t i = 0; i < ingest::reason_count; ++i) {
    if (reasons.by_reason[i] == 0) continue;
    m->add("energy_readings_rejected_total",
           {{"reason", ingest::to_string(static_cast<ingest::reason>(i))}},
           static_cast<double>(reasons.by_reason[i]));
  }
}

/// The server's database is SQLite (the only other backend is PostgreSQL).
bool is_sqlite(request_context& ctx) {
  const auto* config = ctx.app().config;
  if (config == nullptr) return false;
  return !db::is_postgres_uri(config->db_uri);
}

/// The 202 body: the counts and each rejection with its sensor.
response accepted(const io::parsed_readings& parsed, const ingest::ingest_report& report) {
  nlohmann::json rejections = nlohmann::json::array();
  for (const auto& rej : report.rejections) {
    nlohmann::json item = {{"index", rej.source_row},
                           {"reason", ingest::to_string(rej.why)},
                           {"detail", rej.detail},
                           {"dropped", ingest::drops_reading(rej.why)}};
    if (rej.batch_index >= 0 && static_cast<std::size_t>(rej.batch_index) < parsed.batch.size()) {
      item["sensor_id"] =
          parsed.batch.sensor_id[static_cast<std::size_t>(rej.batch_index)].to_string();
    } else {
      item["sensor_id"] = nullptr;
    }
    rejections.push_back(std::move(item));
  }
  return response::json(202, {{"received", report.received},
                              {"accepted", report.accepted},
                              {"rejected", report.rejected},
                              {"duplicates", report.duplicates},
                              {"rows", report.rows},
                              {"inserted", report.inserted},
                              {"unchanged", report.unchanged},
                              {"replaced", report.replaced},
                              {"rejections", rejections}});
}

/// One request's batch on its way through the group writer, and what ingest made of it.
struct ingest_job {
  io::parsed_readings parsed;
  ingest::sensor_directory directory;
  ingest::ingest_report report;
};

/// Hands the batch to a group writer (the one with the fewest batches pending), which commits it
/// together with the batches of other requests waiting at the same moment (one WAL flush for all,
/// SQLite or PostgreSQL); the answer is sent once that transaction has committed. The worker is
/// free for the next request meanwhile.
response ingest_in_group(request_context& ctx, std::span<storage::group_writer* const> writers,
                         io::parsed_readings parsed, ingest::sensor_directory directory) {
  storage::group_writer& writer =
      **std::min_element(writers.begin(), writers.end(),
                         [](const auto* a, const auto* b) { return a->pending() < b->pending(); });
  auto job = std::make_shared<ingest_job>(
      ingest_job{std::move(parsed), std::move(directory), ingest::ingest_report{}});
  auto answer = std::make_shared<deferred_answer>();
  auto* stats = ctx.app().metrics;
  const std::size_t weight = job->parsed.batch.size() + 1;
  const bool queued = writer.submit(
      [job](storage::store& st) {
        job->report =
            ingest::ingest_batch(st, job->directory, job->parsed.batch, {}, job->parsed.rejections);
      },
      [job, answer, stats, writers](std::exception_ptr failed) {
        // Set from the writer threads, totals over every writer.
        if (stats != nullptr) {
          std::size_t pending = 0;
          std::uint64_t groups = 0;
          for (const auto* w : writers) {
            pending += w->pending();
            groups += w->groups_committed();
          }
          stats->set("energy_ingest_pending_batches", {}, static_cast<double>(pending));
          stats->set("energy_ingest_group_commits_total", {}, static_cast<double>(groups));
        }
        if (failed) return answer->fail(failed);
        count(stats, job->report);
        try {
          answer->send(accepted(job->parsed, job->report));
        } catch (...) {
          answer->fail(std::current_exception());
        }
      },
      weight);
  if (!queued) {
    if (stats != nullptr) stats->add("energy_ingest_refused_total", {{"reason", "queue_full"}});
    const int wait = ctx.app().config != nullptr ? ctx.app().config->retry_after_seconds : 2;
    auto p = make_problem("/problems/unavailable",
                          "ingest is busy: " + std::to_string(writer.pending()) +
                              " batches are waiting for the store; retry later");
    p.extra["retry_after"] = wait;
    throw problem_error(std::move(p));
  }
  return response::deferred(std::move(answer));
}

}  // namespace

void add_ingest_routes(std::vector<route>& out, const options& opt) {
  const std::size_t max_readings = opt.max_batch_readings;
  // Shared by every worker running this route (see the handler).
  const auto sqlite_writer = std::make_shared<std::mutex>();
  out.push_back(route{
      .method = http_method::post,
      .pattern = "/api/v1/sensors/readings/batch",
      .who = access::device,
      .handle =
          [max_readings, sqlite_writer](const request& r, request_context& ctx) {
            io::parsed_readings parsed;
            try {
              parsed = io::parse_json_batch(r.body, "request body");
            } catch (const parse_error& e) {
              throw_bad_request(e.what(), "");
            }
            const std::size_t total = parsed.batch.size() + parsed.rejections.size();
            if (total > max_readings) {
              auto p = make_problem("/problems/payload-too-large",
                                    "the batch has " + std::to_string(total) +
                                        " readings; the limit is " + std::to_string(max_readings) +
                                        ": split it",
                                    "/readings");
              p.extra["limit"] = max_readings;
              throw problem_error(std::move(p));
            }
            auto directory = caller_sensors(ctx);
            if (const auto writers = ctx.app().ingest_writers; !writers.empty())
              return ingest_in_group(ctx, writers, std::move(parsed), std::move(directory));
            // SQLite has one writer at a time. Left to the database, a worker that finds the
            // write lock taken sleeps in SQLite's busy handler (1, 2, 5, ... up to 100 ms) and
            // wakes late, long after the commit it waited for: measured, that halved throughput
            // and put p99 near a second (docs/benchmarks.md, #13). Waiting here instead wakes
            // it as the other batch commits. Parsing and the directory above still overlap.
            std::unique_lock<std::mutex> one_writer;
            if (is_sqlite(ctx)) one_writer = std::unique_lock<std::mutex>(*sqlite_writer);
            const auto report =
                ingest::ingest_batch(ctx.store(), directory, parsed.batch, {}, parsed.rejections);
            if (one_writer.owns_lock()) one_writer.unlock();
            count(ctx.app().metrics, report);
            return accepted(parsed, report);
          },
      .operation = {
          {"operationId", "ingestReadingsBatch"},
          {"tags", {"ingest"}},
          {"summary", "Store a batch of readings; 202 once committed"},
          {"description",
           "Answers 202 only after every accepted reading is committed. Re-sending a batch is a "
           "no-op (readings count as unchanged). A different value for a stored (sensor, "
           "timestamp) replaces it and flags it corrected. Readings of sensors the caller may "
           "not write (another tenant's, outside a device key's buildings) are rejected as "
           "unknown_sensor. Send Content-Encoding: gzip to compress."},
          {"requestBody", json_body(ref("ReadingBatch"))},
          {"responses",
           {{"202", json_response("committed; the counts and each rejection", ref("IngestResult"))},
            {"400", problem_response("the body is not a batch document")},
            {"413", problem_response("body or batch larger than the server's limits")},
            {"415", problem_response("not JSON, or an unsupported Content-Encoding")},
            {"503", problem_response("ingest queue full or store unavailable; retry after the "
                                     "Retry-After header's seconds")}}}}});
}

}  // namespace energy::server::api
