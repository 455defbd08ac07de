// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <energy/ingest/units.hpp>
#include <energy/model.hpp>
#include <energy/uuid.hpp>

namespace energy::ingest {

/**
 * The sensors validation checks readings against, built once per import (typically from
 * `store::list_all_sensors()`), with each sensor's unit conversion resolved up front.
 * Lookup by id is O(1) on average (open addressing); 50,000 sensors take a few MB.
 *
 * Thread-safety: immutable after construction; may be shared between threads that only read it.
 */
class sensor_directory {
 public:
  sensor_directory() = default;
  /// @throws std::invalid_argument when two sensors share an id.
  explicit sensor_directory(std::vector<sensor> sensors);

  /// Position of the sensor in `sensors()`, or std::nullopt when unknown.
  [[nodiscard]] std::optional<std::uint32_t> index_of(const uuid& id) const noexcept;
  /// Performance hint for bulk lookups: starts loading the table line `index_of(id)` will read.
  void prefetch(const uuid& id) const noexcept;
  /// The sensor, or nullptr when unknown. The pointer stays valid as long as the directory.
  [[nodiscard]] const sensor* find(const uuid& id) const noexcept {
    const auto i = index_of(id);
    return i ? &sensors_[*i] : nullptr;
  }
  [[nodiscard]] const sensor& at(std::uint32_t index) const { return sensors_.at(index); }
  /// The sensor's conversion to its canonical unit; std::nullopt when its unit is not supported.
  [[nodiscard]] const std::optional<unit_conversion>& conversion(std::uint32_t index) const {
    return conversions_.at(index);
  }
  [[nodiscard]] const std::vector<sensor>& sensors() const noexcept { return sensors_; }
  [[nodiscard]] std::size_t size() const noexcept { return sensors_.size(); }

 private:
  // Open addressing with linear probing over a power-of-two table at most half full: one cache
  // line per lookup on a hit, where a node-based map costs two or three misses.
  struct slot {
    std::uint64_t hi = 0, lo = 0;
    std::uint32_t index = empty;
    static constexpr std::uint32_t empty = UINT32_MAX;
  };
  std::vector<sensor> sensors_;
  std::vector<std::optional<unit_conversion>> conversions_;
  std::vector<slot> table_;
  std::uint64_t mask_ = 0;
};

}  // namespace energy::ingest

ENERGY_API_END
