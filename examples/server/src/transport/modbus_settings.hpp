// SPDX-License-Identifier: Apache-2.0
// Modbus polling in energy-server: its ENERGY_MODBUS_* variables. Unset ENERGY_MODBUS_CONFIG:
// no poller runs. Malformed values are refused at start naming the variable.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace energy::server::transport {

struct modbus_settings {
  std::string meter_list;  ///< ENERGY_MODBUS_CONFIG: meter list file; empty = polling off
  std::chrono::seconds interval{15};        ///< ENERGY_MODBUS_INTERVAL
  std::size_t threads = 8;                  ///< ENERGY_MODBUS_THREADS
  std::chrono::milliseconds timeout{1000};  ///< ENERGY_MODBUS_TIMEOUT_MS
  int retries = 2;                          ///< ENERGY_MODBUS_RETRIES
  int max_gap_intervals = 3;                ///< ENERGY_MODBUS_MAX_GAP_INTERVALS

  /// @throws std::invalid_argument naming the variable, its value and the accepted range.
  [[nodiscard]] static modbus_settings from_environment(const env_lookup& env);
  /// Every variable from_environment reads, for --help.
  [[nodiscard]] static std::vector<env_var> documented();
};

}  // namespace energy::server::transport
