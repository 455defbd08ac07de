// SPDX-License-Identifier: Apache-2.0
// energy-server's Modbus poller: the meter list from ENERGY_MODBUS_CONFIG, readings ingested into
// the server's database per tenant (a meter's readings reach only its tenant's sensors), poll
// health published as Prometheus metrics.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <energy/ingest/sensor_directory.hpp>
#include <energy/storage/store.hpp>
#include <energy/transport/modbus_poller.hpp>

#include "transport/modbus_settings.hpp"

namespace energy::server {
class metrics;
class logger;
}  // namespace energy::server

namespace energy::server::transport {

class modbus_service {
 public:
  /// Loads the meter list and opens its own store connection on `db_uri`.
  /// @throws energy::parse_error for a bad meter list or map (file:line: field), and
  /// std::invalid_argument for a meter without tenant=.
  modbus_service(const modbus_settings& settings, const std::string& db_uri, metrics* stats,
                 logger* log);
  ~modbus_service();  ///< stops
  modbus_service(const modbus_service&) = delete;
  modbus_service& operator=(const modbus_service&) = delete;

  void start();
  void stop();
  /// One poll of every meter for `slot` (tests); not mixed with start().
  void poll_once(epoch_seconds slot);
  /// Copies the poller's counters and per-meter health into the metrics registry.
  void publish_metrics();
  [[nodiscard]] const modbus::poller& poller() const { return *poller_; }

 private:
  void ingest(std::span<const modbus::sample> samples);
  /// The tenant's sensors, read again when a sample names one missing from the cached list (at
  /// most once a minute per tenant: a binding to a missing sensor must not reload every poll).
  const ingest::sensor_directory& tenant_sensors(const uuid& tenant,
                                                 std::span<const modbus::sample> samples);

  std::unique_ptr<storage::store> store_;
  metrics* stats_;
  logger* log_;
  int max_gap_intervals_;
  struct tenant_directory {
    ingest::sensor_directory sensors;
    std::chrono::steady_clock::time_point loaded;
  };
  std::map<uuid, tenant_directory> directories_;  // per tenant; used by the sink only
  std::unique_ptr<modbus::poller> poller_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread publisher_;
};

/// The service when ENERGY_MODBUS_CONFIG is set, else nullptr.
[[nodiscard]] std::unique_ptr<modbus_service> make_modbus_service(const modbus_settings& settings,
                                                                  const std::string& db_uri,
                                                                  metrics* stats, logger* log);

}  // namespace energy::server::transport
