// SPDX-License-Identifier: Apache-2.0
#include "transport/modbus_service.hpp"

#include <set>
#include <stdexcept>

#include <energy/ingest/ingest.hpp>
#include <energy/storage/open.hpp>
#include <energy/transport/modbus_store_sink.hpp>

#include "http/log.hpp"
#include "http/metrics.hpp"

namespace energy::server::transport {

namespace {

std::vector<modbus::meter> load_meters(const modbus_settings& s) {
  auto meters = modbus::load_meter_list(s.meter_list);
  for (const auto& m : meters) {
    if (!m.tenant_id)
      throw std::invalid_argument(s.meter_list + ":" + std::to_string(m.line) +
                                  ": field 'tenant': missing; energy-server stores a meter's "
                                  "readings only into its tenant's sensors");
  }
  return meters;
}

void describe(metrics& m) {
  m.describe("energy_modbus_polls_total", "counter", "Meter polls by outcome (ok, failed).");
  m.describe("energy_modbus_requests_total", "counter", "Modbus read requests sent.");
  m.describe("energy_modbus_timeouts_total", "counter", "Requests without an answer in time.");
  m.describe("energy_modbus_exceptions_total", "counter", "Requests answered by an exception.");
  m.describe("energy_modbus_samples_total", "counter", "Register values handed to ingest.");
  m.describe("energy_modbus_sink_errors_total", "counter", "Ingest calls that failed (storage).");
  m.describe("energy_modbus_slots_missed_total", "counter", "Poll slots the scheduler skipped.");
  m.describe("energy_modbus_endpoint_overruns_total", "counter",
             "Endpoints skipped in a slot because their previous poll was still running.");
  m.describe("energy_modbus_slot_duration_seconds", "gauge",
             "Time from a slot's start until its last endpoint finished (newest slot).");
  m.describe("energy_modbus_meters", "gauge", "Meters by health (unknown, ok, failing, offline).");
  m.describe("energy_modbus_meter_up", "gauge",
             "1 when the meter's last poll read every bound register, else 0.");
}

}  // namespace

modbus_service::modbus_service(const modbus_settings& settings, const std::string& db_uri,
                               metrics* stats, logger* log)
    : store_(storage::open_store_uri(db_uri)),
      stats_(stats),
      log_(log),
      max_gap_intervals_(settings.max_gap_intervals) {
  auto meters = load_meters(settings);
  const auto count = meters.size();
  poller_ = std::make_unique<modbus::poller>(
      std::move(meters),
      modbus::poller_options{.interval = settings.interval,
                             .threads = settings.threads,
                             .response_timeout = settings.timeout,
                             .retries = settings.retries},
      [this](std::span<const modbus::sample> samples) { ingest(samples); });
  if (stats_ != nullptr) describe(*stats_);
  if (log_ != nullptr)
    log_->info("modbus_configured", {{"meters", count},
                                     {"file", settings.meter_list},
                                     {"interval_seconds", settings.interval.count()},
                                     {"threads", settings.threads}});
}

modbus_service::~modbus_service() {
  stop();
}

void modbus_service::start() {
  poller_->start();
  publisher_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds{5}, [this] { return stopping_; })) {
      lock.unlock();
      publish_metrics();
      lock.lock();
    }
  });
}

void modbus_service::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  if (poller_) poller_->stop();
  publish_metrics();
}

void modbus_service::poll_once(epoch_seconds slot) {
  poller_->poll_once(slot);
  publish_metrics();
}

const ingest::sensor_directory& modbus_service::tenant_sensors(
    const uuid& tenant, std::span<const modbus::sample> samples) {
  const auto now = std::chrono::steady_clock::now();
  if (auto it = directories_.find(tenant); it != directories_.end()) {
    bool unknown = false;
    for (const auto& s : samples)
      unknown = unknown || it->second.sensors.find(s.sensor_id) == nullptr;
    if (!unknown || now - it->second.loaded < std::chrono::minutes{1}) return it->second.sensors;
  }
  std::vector<sensor> sensors;
  for (const auto& b : store_->list_buildings(tenant)) {
    auto list = store_->list_sensors(b.id);
    sensors.insert(sensors.end(), std::make_move_iterator(list.begin()),
                   std::make_move_iterator(list.end()));
  }
  auto& entry = directories_[tenant];
  entry = tenant_directory{ingest::sensor_directory(std::move(sensors)), now};
  return entry.sensors;
}

void modbus_service::ingest(std::span<const modbus::sample> samples) {
  // Group by tenant: readings of a sensor outside the meter's tenant are rejected exactly like
  // an unknown sensor.
  std::map<uuid, std::vector<modbus::sample>> by_tenant;
  const auto& meters = poller_->meters();
  for (const auto& s : samples)
    by_tenant[*meters[s.meter_index].tenant_id].push_back(s);
  ingest::ingest_options options;
  options.validation.max_gap_intervals = max_gap_intervals_;
  for (const auto& [tenant, group] : by_tenant) {
    const auto& directory = tenant_sensors(tenant, group);
    std::vector<ingest::rejection> refused;
    const auto batch = modbus::to_reading_batch(group, directory, refused);
    const auto report = ingest::ingest_batch(*store_, directory, batch, options, refused);
    if (stats_ == nullptr) continue;
    stats_->add("energy_readings_ingested_total", {{"outcome", "inserted"}},
                static_cast<double>(report.inserted));
    stats_->add("energy_readings_ingested_total", {{"outcome", "unchanged"}},
                static_cast<double>(report.unchanged));
    stats_->add("energy_readings_ingested_total", {{"outcome", "replaced"}},
                static_cast<double>(report.replaced));
    const auto reasons = ingest::count_reasons(report.rejections);
    for (std::size_t i = 0; i < ingest::reason_count; ++i) {
      if (reasons.by_reason[i] == 0) continue;
      stats_->add("energy_readings_rejected_total",
                  {{"reason", ingest::to_string(static_cast<ingest::reason>(i))}},
                  static_cast<double>(reasons.by_reason[i]));
    }
    if (log_ != nullptr) {
      for (const auto& r : report.rejections) {
        if (!ingest::drops_reading(r.why)) continue;
        const auto row = static_cast<std::size_t>(r.source_row);
        log_->warning("modbus_reading_rejected",
                      {{"meter", row < group.size() ? meters[group[row].meter_index].name : ""},
                       {"reason", ingest::to_string(r.why)},
                       {"detail", r.detail}});
      }
    }
  }
}

void modbus_service::publish_metrics() {
  if (stats_ == nullptr || !poller_) return;
  const auto st = poller_->stats();
  auto& m = *stats_;
  m.set("energy_modbus_polls_total", {{"outcome", "ok"}}, static_cast<double>(st.polls_ok));
  m.set("energy_modbus_polls_total", {{"outcome", "failed"}}, static_cast<double>(st.polls_failed));
  m.set("energy_modbus_requests_total", {}, static_cast<double>(st.requests));
  m.set("energy_modbus_timeouts_total", {}, static_cast<double>(st.timeouts));
  m.set("energy_modbus_exceptions_total", {}, static_cast<double>(st.exceptions));
  m.set("energy_modbus_samples_total", {}, static_cast<double>(st.samples));
  m.set("energy_modbus_sink_errors_total", {}, static_cast<double>(st.sink_errors));
  m.set("energy_modbus_slots_missed_total", {}, static_cast<double>(st.slots_missed));
  m.set("energy_modbus_endpoint_overruns_total", {}, static_cast<double>(st.endpoint_overruns));
  m.set("energy_modbus_slot_duration_seconds", {},
        static_cast<double>(st.last_slot_duration.count()) / 1e6);
  std::map<modbus::meter_health, int> by_health;
  for (const auto& s : poller_->status()) {
    ++by_health[s.health];
    m.set("energy_modbus_meter_up", {{"meter", s.name}}, s.health == modbus::meter_health::ok);
  }
  for (const auto h : {modbus::meter_health::unknown, modbus::meter_health::ok,
                       modbus::meter_health::failing, modbus::meter_health::offline})
    m.set("energy_modbus_meters", {{"health", modbus::to_string(h)}}, by_health[h]);
}

std::unique_ptr<modbus_service> make_modbus_service(const modbus_settings& settings,
                                                    const std::string& db_uri, metrics* stats,
                                                    logger* log) {
  if (settings.meter_list.empty()) return nullptr;
  return std::make_unique<modbus_service>(settings, db_uri, stats, log);
}

}  // namespace energy::server::transport
