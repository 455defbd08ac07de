// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common.hpp"
#include "store_handle.hpp"

#include <memory>
#include <string>

namespace energy::py {

/// [start, end); an omitted bound is the store's whole span (years 0000 to 9999).
time_range range_of(const pyb::object& start, const pyb::object& end);

/// The query of Store.read_summaries' arguments. @throws ValueError for an unknown scope, type or
/// resolution.
storage::summary_query summary_query_of(const pyb::object& subject_id,
                                        const std::string& resolution, const pyb::object& start,
                                        const pyb::object& end, const std::string& scope,
                                        const std::string& type);

/// Readings as numpy columns: ts (datetime64[ns], UTC), value_milli, quality, and with
/// `with_sensor` sensor_code + sensor_categories.
pyb::dict readings_columns(reading_rows&& rows, bool with_sensor);

/// Registers Store.iter_readings, iter_building_readings and iter_summaries (bind_store_batches).
void bind_store_batches(pyb::class_<store_handle, std::shared_ptr<store_handle>>& store);

}  // namespace energy::py
