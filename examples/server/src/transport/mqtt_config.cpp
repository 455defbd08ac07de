// SPDX-License-Identifier: Apache-2.0
#include "transport/mqtt_config.hpp"

#include <charconv>
#include <stdexcept>

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
      {"ENERGY_MQTT_ALERT_TOPIC", "",
       "Topic pattern alerts are published to (QoS 1, the webhook's JSON document), e.g. "
       "energy-alerts/{tenant}/{building}; empty: alerts are not published over MQTT."},
      {"ENERGY_MQTT_ALERT_CLIENT_ID", "energy-server-alerts",
       "MQTT client id of the alert publisher (one per replica)."},
  };
}

std::optional<mqtt::broker_options> mqtt_broker(const config& cfg) {
  const auto text = [&](std::string_view name) { return cfg.get(name).value_or(""); };
  mqtt::broker_options b;
  b.host = text("ENERGY_MQTT_HOST");
  if (b.host.empty()) return std::nullopt;
  b.username = text("ENERGY_MQTT_USERNAME");
  b.password = text("ENERGY_MQTT_PASSWORD");
  mqtt::broker_options::tls_options tls{.ca_file = text("ENERGY_MQTT_CA_FILE"),
                                        .ca_dir = text("ENERGY_MQTT_CA_DIR"),
                                        .cert_file = text("ENERGY_MQTT_CERT"),
                                        .key_file = text("ENERGY_MQTT_KEY")};
  if (!tls.ca_file.empty() || !tls.ca_dir.empty()) {
    b.tls = tls;
    b.port = 8883;
  } else if (!tls.cert_file.empty() || !tls.key_file.empty()) {
    throw std::invalid_argument(
        "ENERGY_MQTT_CERT/ENERGY_MQTT_KEY need ENERGY_MQTT_CA_FILE or ENERGY_MQTT_CA_DIR (TLS)");
  }
  if (const auto port = text("ENERGY_MQTT_PORT"); !port.empty()) {
    int value = 0;
    const auto r = std::from_chars(port.data(), port.data() + port.size(), value);
    if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || value < 1 || value > 65535)
      throw std::invalid_argument("ENERGY_MQTT_PORT='" + port + "': expected 1..65535");
    b.port = value;
  }
  return b;
}

}  // namespace energy::server::transport
