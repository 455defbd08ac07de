// SPDX-License-Identifier: Apache-2.0
#include "transport/mqtt_ingest.hpp"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <energy/storage/open.hpp>
#include <energy/transport/mqtt.hpp>

#include "http/log.hpp"
#include "http/metrics.hpp"
#include "transport/mqtt_config.hpp"

namespace energy::server::transport {

namespace mqtt = energy::transport::mqtt;

struct mqtt_ingest::impl {
  const config* cfg = nullptr;
  metrics* stats = nullptr;
  logger* log = nullptr;
  mqtt::consumer_options options;
  std::unique_ptr<storage::store> store;
  std::unique_ptr<mqtt::consumer> consumer;
  std::thread loop, reporter;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  mqtt::consumer_stats exported;  // what /metrics already has

  /// Adds the counters' growth since the last export to /metrics; logs a new problem once.
  void export_stats() {
    const auto now = consumer->stats();
    if (stats != nullptr) {
      const auto add = [&](std::string_view name, metric_labels labels, std::uint64_t then,
                           std::uint64_t current) {
        if (current > then)
          stats->add(name, std::move(labels), static_cast<double>(current - then));
      };
      add("energy_mqtt_messages_total", {{"outcome", "received"}}, exported.messages, now.messages);
      add("energy_mqtt_messages_total", {{"outcome", "refused"}}, exported.malformed_messages,
          now.malformed_messages);
      add("energy_mqtt_readings_total", {{"outcome", "inserted"}}, exported.inserted, now.inserted);
      add("energy_mqtt_readings_total", {{"outcome", "unchanged"}}, exported.unchanged,
          now.unchanged);
      add("energy_mqtt_readings_total", {{"outcome", "replaced"}}, exported.replaced, now.replaced);
      add("energy_mqtt_readings_total", {{"outcome", "rejected"}}, exported.rejected, now.rejected);
      for (std::size_t i = 0; i < ingest::reason_count; ++i)
        add("energy_mqtt_rejections_total",
            {{"reason", std::string(ingest::to_string(static_cast<ingest::reason>(i)))}},
            exported.rejected_by_reason.by_reason[i], now.rejected_by_reason.by_reason[i]);
      add("energy_mqtt_commit_failures_total", {}, exported.commit_failures, now.commit_failures);
      add("energy_mqtt_connects_total", {}, exported.connects, now.connects);
      stats->set("energy_mqtt_connected", {}, now.connected ? 1.0 : 0.0);
    }
    if (log != nullptr && !now.last_error.empty() && now.last_error != exported.last_error)
      log->warning("mqtt_problem", {{"error", now.last_error}});
    exported = now;
  }
};

mqtt_ingest::mqtt_ingest(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

mqtt_ingest::~mqtt_ingest() {
  stop();
}

std::unique_ptr<mqtt_ingest> mqtt_ingest::from_config(const config& cfg, metrics* stats,
                                                      logger* log) {
  const auto text = [&](std::string_view name) { return cfg.get(name).value_or(""); };
  const auto broker = mqtt_broker(cfg);
  if (!broker) return nullptr;
  auto p = std::make_unique<impl>();
  p->cfg = &cfg;
  p->stats = stats;
  p->log = log;
  auto& o = p->options;
  o.broker = *broker;
  o.broker.client_id = text("ENERGY_MQTT_CLIENT_ID");
  if (o.broker.client_id.empty()) o.broker.client_id = "energy-server";
  if (const auto t = cfg.get("ENERGY_MQTT_TOPIC"); t && !t->empty()) o.topic_pattern = *t;
  if (const auto t = cfg.get("ENERGY_MQTT_ERROR_TOPIC")) o.error_topic = *t;  // empty: off
  // Checks the patterns and options now, at start-up, not on the consumer thread.
  auto probe = storage::open_store_uri("memory:");
  mqtt::consumer check(*probe, o);
  return std::unique_ptr<mqtt_ingest>(new mqtt_ingest(std::move(p)));
}

void mqtt_ingest::start() {
  auto& p = *impl_;
  p.store = storage::open_store_uri(p.cfg->db_uri);
  p.consumer = std::make_unique<mqtt::consumer>(*p.store, p.options);
  p.loop = std::thread([&p] { p.consumer->run(); });
  p.reporter = std::thread([&p] {
    std::unique_lock lock(p.mutex);
    while (!p.stopping) {
      p.wake.wait_for(lock, std::chrono::seconds(1), [&] { return p.stopping; });
      p.export_stats();
    }
  });
  if (p.log != nullptr)
    p.log->info("mqtt_started",
                {{"broker", p.options.broker.host + ":" + std::to_string(p.options.broker.port)},
                 {"topic", p.options.topic_pattern},
                 {"client_id", p.options.broker.client_id},
                 {"tls", p.options.broker.tls.has_value()}});
}

void mqtt_ingest::stop() {
  auto& p = *impl_;
  if (!p.consumer) return;
  p.consumer->stop();
  if (p.loop.joinable()) p.loop.join();
  {
    std::lock_guard lock(p.mutex);
    p.stopping = true;
  }
  p.wake.notify_all();
  if (p.reporter.joinable()) p.reporter.join();
  p.consumer.reset();
  p.store.reset();
}

}  // namespace energy::server::transport
