// SPDX-License-Identifier: Apache-2.0
#include "transport/modbus_settings.hpp"

#include <charconv>
#include <stdexcept>

namespace energy::server::transport {

namespace {

long long whole(const env_lookup& env, std::string_view name, long long fallback, long long lo,
                long long hi) {
  const auto text = env(name);
  if (!text || text->empty()) return fallback;
  long long v = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc{} || ptr != end || v < lo || v > hi)
    throw std::invalid_argument(std::string(name) + "='" + *text +
                                "': expected a whole number from " + std::to_string(lo) + " to " +
                                std::to_string(hi));
  return v;
}

}  // namespace

modbus_settings modbus_settings::from_environment(const env_lookup& env) {
  modbus_settings s;
  s.meter_list = env("ENERGY_MODBUS_CONFIG").value_or("");
  s.interval = std::chrono::seconds(whole(env, "ENERGY_MODBUS_INTERVAL", 15, 1, 86400));
  s.threads = static_cast<std::size_t>(whole(env, "ENERGY_MODBUS_THREADS", 8, 1, 256));
  s.timeout = std::chrono::milliseconds(whole(env, "ENERGY_MODBUS_TIMEOUT_MS", 1000, 10, 60000));
  s.retries = static_cast<int>(whole(env, "ENERGY_MODBUS_RETRIES", 2, 0, 10));
  s.max_gap_intervals =
      static_cast<int>(whole(env, "ENERGY_MODBUS_MAX_GAP_INTERVALS", 3, 1, 100000));
  if (s.timeout * (s.retries + 1) >= s.interval)
    throw std::invalid_argument(
        "ENERGY_MODBUS_TIMEOUT_MS × (ENERGY_MODBUS_RETRIES + 1) must be shorter than "
        "ENERGY_MODBUS_INTERVAL: one meter's retries would not fit in its slot");
  return s;
}

std::vector<env_var> modbus_settings::documented() {
  return {
      {"ENERGY_MODBUS_CONFIG", "",
       "Modbus TCP meter list (docs/transports.md): when set, the server polls those meters and "
       "stores their readings; every meter needs tenant=UUID, and only that tenant's sensors "
       "receive its readings."},
      {"ENERGY_MODBUS_INTERVAL", "15", "Seconds between polls, aligned to the UTC clock."},
      {"ENERGY_MODBUS_THREADS", "8", "Endpoints (host:port) polled at once."},
      {"ENERGY_MODBUS_TIMEOUT_MS", "1000", "Per-request response and connect timeout."},
      {"ENERGY_MODBUS_RETRIES", "2",
       "Retries of a failed request within a poll (with backoff; Modbus exceptions are not "
       "retried)."},
      {"ENERGY_MODBUS_MAX_GAP_INTERVALS", "3",
       "Longest outage, in sensor intervals, whose energy is still derived from the register "
       "difference that closes it (ingest's max_gap_intervals)."},
  };
}

}  // namespace energy::server::transport
