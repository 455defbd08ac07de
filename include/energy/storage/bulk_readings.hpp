// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <span>
#include <vector>

#include <energy/storage/store.hpp>

namespace energy::storage {

/// One building's readings over a UTC half-open range.
struct building_range {
  uuid building_id;
  time_range range;
};

/**
 * Optional adapter capability (`adapter::as<bulk_reading_reader>()`) of a store whose calls cost a
 * network round trip (PostgreSQL): read many buildings' readings in one call. The aggregation job
 * asks for it and falls back to one `store::read_building_readings` per query, which suits
 * in-process stores.
 *
 * Result `i` holds the rows `read_building_readings(q[i].building_id, q[i].range)` returns, but
 * in no particular order (the aggregator does not need one, and sorting 10^5 rows on the server
 * costs more than the rest of the read).
 */
class bulk_reading_reader {
 public:
  virtual ~bulk_reading_reader() = default;
  [[nodiscard]] virtual std::vector<reading_rows> read_building_readings_many(
      std::span<const building_range> queries) = 0;

 protected:
  bulk_reading_reader() = default;
  bulk_reading_reader(const bulk_reading_reader&) = default;
  bulk_reading_reader& operator=(const bulk_reading_reader&) = default;
};

/// `reader.read_building_readings_many(queries)` when `s` offers the capability, otherwise one
/// `read_building_readings` per query.
[[nodiscard]] std::vector<reading_rows> read_building_readings_many(
    store& s, std::span<const building_range> queries);

}  // namespace energy::storage

ENERGY_API_END
