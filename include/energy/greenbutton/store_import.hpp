// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <energy/greenbutton/espi.hpp>
#include <energy/model.hpp>
#include <energy/storage/store.hpp>

namespace energy::greenbutton {

struct store_import_options {
  /// Use (or create) exactly this sensor. Unset: find the building's sensor whose `location` is
  /// `location_key`, or create one with a new id.
  std::optional<uuid> sensor_id;
  /// Identifies the utility meter across imports; default "greenbutton:" + the MeterReading href,
  /// which utilities keep stable across downloads. Give your own when hrefs are synthetic
  /// (bare documents) or differ between Download My Data and Connect for the same meter.
  std::string location_key;
};

struct store_import_result {
  sensor meter;                   ///< the utility-meter sensor the rows were written to
  bool created = false;           ///< the sensor was created by this call
  storage::write_result written;  ///< a re-import of the same file is all `unchanged`
  std::vector<issue> rejected;    ///< rows not stored, and why (see to_reading_rows)
  std::size_t rounded = 0;        ///< values rounded to the milli-unit
};

/**
 * Stores a meter reading's intervals as readings of a utility-meter sensor of `building_id`, so
 * aggregation and analytics apply to utility data as to the building's own meters.
 *
 * The sensor is `reading_kind::interval_energy` with `interval_seconds` from the ReadingType; its
 * type follows the service and unit: electricity (kWh), gas (m³), water (m³), or thermal (kWh) for
 * energy-metered non-electric services such as gas billed in therms. Its unit is the canonical one
 * (values are converted exactly on the way in).
 *
 * Idempotent: importing the same file again finds the same sensor and writes nothing new
 * (`written.unchanged` == rows); a later file with corrected values replaces them (`replaced`,
 * flagged `quality::corrected` by the store).
 *
 * @throws std::invalid_argument when the meter reading cannot be converted (no ReadingType,
 *         unit not storable), when the building does not exist, or when the chosen sensor's
 *         interval or type differs from the meter reading's.
 * @throws storage_error from the store (nothing written).
 */
[[nodiscard]] store_import_result store_meter_reading(storage::store& store,
                                                      const uuid& building_id,
                                                      const meter_reading& mr,
                                                      std::int32_t service_kind,
                                                      const store_import_options& options = {});

}  // namespace energy::greenbutton

ENERGY_API_END
