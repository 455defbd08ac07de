// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <energy/export.hpp>
ENERGY_API_BEGIN

#include <functional>
#include <span>
#include <vector>

#include <energy/ingest/ingest.hpp>
#include <energy/ingest/sensor_directory.hpp>
#include <energy/readings.hpp>
#include <energy/storage/store.hpp>
#include <energy/transport/modbus_poller.hpp>

namespace energy::modbus {

/**
 * Samples as a reading batch for ingest::ingest_batch: each value converted from its register's
 * unit to its sensor's unit (Wh register into a kWh sensor: × 0.001), `source_row` = position in
 * `samples`. A sample whose sensor is unknown to `directory` is passed through unchanged (ingest
 * rejects it as unknown_sensor); one whose register unit has no conversion to the sensor's (a
 * power register bound to a register sensor, kWh into m3) is left out and listed in `refused`
 * with the reason, never stored as a plausible wrong number. Register and power samples whose
 * slot is not on the sensor's interval grid (`ts % interval_seconds != 0`) are left out silently:
 * polling every 15 s a sensor of 900 s stores one row per 15 minutes (the register difference
 * over the whole interval; power by the trapezoid of the interval's two end samples), while the
 * poller still checks the meter's health every 15 s. The poll interval should divide the
 * sensor interval.
 */
[[nodiscard]] reading_batch to_reading_batch(std::span<const sample> samples,
                                             const ingest::sensor_directory& directory,
                                             std::vector<ingest::rejection>& refused);

/**
 * A sample_sink that ingests into `st` (validation, register differencing with rollover and
 * reset handling, power integration: ingest_batch). The sensor directory is read from the store
 * on first use and again when a sample names a sensor it does not know. `on_report`, when set,
 * receives every ingest report (refused samples included as rejections). `options` are passed
 * to ingest_batch: validation.max_gap_intervals decides how long an outage may be and still have
 * its energy derived from the register difference that closes it (default 3 intervals).
 * `st` must outlive the poller; calls are serialised by the poller, so one store connection
 * suffices.
 * @throws storage_error from the store (the poller counts it as a sink error).
 */
[[nodiscard]] sample_sink store_sink(
    storage::store& st, std::function<void(const ingest::ingest_report&)> on_report = {},
    ingest::ingest_options options = {});

}  // namespace energy::modbus

ENERGY_API_END
