// SPDX-License-Identifier: Apache-2.0
// The ENERGY_MQTT_* variables: the broker connection shared by the MQTT input (mqtt_ingest) and
// the alert publisher (mqtt_alerts), and the --help entries of both.
#pragma once

#include <optional>
#include <vector>

#include <energy/transport/mqtt.hpp>

#include "app/config.hpp"

namespace energy::server::transport {

/// Every ENERGY_MQTT_* variable, for --help.
[[nodiscard]] std::vector<env_var> mqtt_variables();

/// The broker from ENERGY_MQTT_HOST/PORT/USERNAME/PASSWORD/CA_FILE/CA_DIR/CERT/KEY; std::nullopt
/// when ENERGY_MQTT_HOST is unset or empty. The client id is left empty.
/// @throws std::invalid_argument naming a malformed variable.
[[nodiscard]] std::optional<energy::transport::mqtt::broker_options> mqtt_broker(const config& cfg);

}  // namespace energy::server::transport
