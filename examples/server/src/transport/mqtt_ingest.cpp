// SPDX-License-Identifier: Apache-2.0
#include "transport/mqtt_ingest.hpp"

#include <charconv>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <energy/storage/open.hpp>
#include <energy/transport/mqtt.hpp>

#include "http/log.hpp"
#include "http/metrics.hpp"

namespace energy::server::transport {

namespace mqtt = energy::transport::mqtt;

std::vector<env_var> mqtt_variables() {
  return {
      {"ENERGY_MQTT_HOST", "",
       "MQTT broker host: when set, the server also ingests readings published to "
       "ENERGY_MQTT_TOPIC (QoS 1, persistent session, acknowledged after commit)."},
      {"ENERGY_MQTT_PORT", "1883 (8883 with TLS)", "MQTT broker port."},
      {"ENERGY_MQTT_CLIENT_ID", "energy-server",
       "MQTT client id; the broker keeps the persistent session under it. One per replica: two "
       "replicas with one id would take the session from each other."},
      {"ENERGY_MQTT_TOPIC", "energy/{tenant}/{building}/{sensor}",
       "Topic pattern of reading messages; {sensor} may be the literal 'batch' for payloads that "
       "name their sensors."},
      {"ENERGY_MQTT_ERROR_TOPIC", "energy-errors/{tenant}/{building}",
       "Where rejected readings and refused messages are reported (JSON); empty: not published, "
       "only counted in /metrics."},
      {"ENERGY_MQTT_USERNAME", "", "Broker username (empty: anonymous)."},
      {"ENERGY_MQTT_PASSWORD", "", "Broker password of ENERGY_MQTT_USERNAME."},
      {"ENERGY_MQTT_CA_FILE", "",
       "PEM CA certificate(s) to verify the broker: setting it (or ENERGY_MQTT_CA_DIR) turns TLS "
       "on; the broker's host name is verified."},
      {"ENERGY_MQTT_CA_DIR", "", "Directory of CA certificates (c_rehash layout), as above."},
      {"ENERGY_MQTT_CERT", "", "Client certificate (PEM) for brokers that require one."},
      {"ENERGY_MQTT_KEY", "", "Private key (PEM) of ENERGY_MQTT_CERT."},
  };
}

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
  const auto host = text("ENERGY_MQTT_HOST");
  if (host.empty()) return nullptr;
  auto p = std::make_unique<impl>();
  p->cfg = &cfg;
  p->stats = stats;
  p->log = log;
  auto& o = p->options;
  o.broker.host = host;
  o.broker.client_id = text("ENERGY_MQTT_CLIENT_ID");
  if (o.broker.client_id.empty()) o.broker.client_id = "energy-server";
  if (const auto t = cfg.get("ENERGY_MQTT_TOPIC"); t && !t->empty()) o.topic_pattern = *t;
  if (const auto t = cfg.get("ENERGY_MQTT_ERROR_TOPIC")) o.error_topic = *t;  // empty: off
  o.broker.username = text("ENERGY_MQTT_USERNAME");
  o.broker.password = text("ENERGY_MQTT_PASSWORD");
  mqtt::broker_options::tls_options tls{.ca_file = text("ENERGY_MQTT_CA_FILE"),
                                        .ca_dir = text("ENERGY_MQTT_CA_DIR"),
                                        .cert_file = text("ENERGY_MQTT_CERT"),
                                        .key_file = text("ENERGY_MQTT_KEY")};
  if (!tls.ca_file.empty() || !tls.ca_dir.empty()) {
    o.broker.tls = tls;
    o.broker.port = 8883;
  } else if (!tls.cert_file.empty() || !tls.key_file.empty()) {
    throw std::invalid_argument(
        "ENERGY_MQTT_CERT/ENERGY_MQTT_KEY need ENERGY_MQTT_CA_FILE or ENERGY_MQTT_CA_DIR (TLS)");
  }
  if (const auto port = text("ENERGY_MQTT_PORT"); !port.empty()) {
    int value = 0;
    const auto r = std::from_chars(port.data(), port.data() + port.size(), value);
    if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || value < 1 || value > 65535)
      throw std::invalid_argument("ENERGY_MQTT_PORT='" + port + "': expected 1..65535");
    o.broker.port = value;
  }
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
