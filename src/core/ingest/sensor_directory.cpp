// SPDX-License-Identifier: Apache-2.0
#include <energy/ingest/sensor_directory.hpp>

#include <stdexcept>

namespace energy::ingest {

sensor_directory::sensor_directory(std::vector<sensor> sensors) : sensors_(std::move(sensors)) {
  conversions_.reserve(sensors_.size());
  index_.reserve(sensors_.size());
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const auto& s = sensors_[i];
    if (!index_.emplace(s.id, static_cast<std::uint32_t>(i)).second)
      throw std::invalid_argument("sensor_directory: duplicate sensor id " + s.id.to_string());
    conversions_.push_back(conversion_to_canonical(s.type, s.kind, s.unit));
  }
}

}  // namespace energy::ingest
