// SPDX-License-Identifier: Apache-2.0
// The metadata of `energy summarize --sensors FILE`: buildings and sensors from a small CSV, for
// summaries of reading files without a store.
#pragma once

#include <energy/model.hpp>

#include <string>
#include <vector>

namespace energy::cli {

struct sensors_file {
  std::vector<building> buildings;
  std::vector<sensor> sensors;
};

/**
 * Reads a CSV with a header naming its columns (any order):
 * `sensor_id,building_id,time_zone,type,interval_seconds` are required; `kind`, `unit`,
 * `flat_rate` (per kWh, exact decimal) and `building_name` are optional (kind defaults to
 * interval_energy, or instantaneous_value for temperature; unit to the type's canonical unit).
 * A building's zone and rate must agree on every line that names it. Fields are plain (no quotes).
 * @throws usage_error naming the file, line and column for anything it cannot read.
 */
[[nodiscard]] sensors_file read_sensors_file(const std::string& path);

}  // namespace energy::cli
