// SPDX-License-Identifier: Apache-2.0
// Samples -> reading batch (unit conversion to the sensor's unit) -> ingest into a store.
#include <energy/transport/modbus_store_sink.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include <energy/ingest/units.hpp>

namespace energy::modbus {

reading_batch to_reading_batch(std::span<const sample> samples,
                               const ingest::sensor_directory& directory,
                               std::vector<ingest::rejection>& refused) {
  reading_batch batch;
  batch.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& s = samples[i];
    const auto row = static_cast<std::int64_t>(i);
    const sensor* target = directory.find(s.sensor_id);
    if (target == nullptr || s.reg == nullptr) {
      batch.push_back(s.sensor_id, s.ts, s.value, 0, row);  // ingest says unknown_sensor
      continue;
    }
    const auto refuse = [&](const std::string& why) {
      refused.push_back(
          {-1, row, ingest::reason::unsupported_unit,
           "register '" + s.reg->name + "' for sensor " + s.sensor_id.to_string() + ": " + why});
    };
    if (target->kind != s.reg->kind) {
      refuse("the register is " + std::string(to_string(s.reg->kind)) + ", the sensor " +
             std::string(to_string(target->kind)));
      continue;
    }
    // Register and power samples reach ingest on the sensor's own grid only: a row then covers
    // exactly one sensor interval (what summaries and the gap detection expect), however often
    // the meter is polled. Registers lose nothing (differences telescope).
    if (target->kind != reading_kind::instantaneous_value && target->interval_seconds > 0 &&
        s.ts % target->interval_seconds != 0)
      continue;
    double value = s.value;
    if (target->unit != s.reg->unit) {
      const auto from = ingest::conversion_to_canonical(target->type, target->kind, s.reg->unit);
      const auto to = ingest::conversion_to_canonical(target->type, target->kind, target->unit);
      if (!from || !to || from->offset != 0.0 || to->offset != 0.0 || to->factor == 0.0) {
        refuse("unit " + s.reg->unit + " does not convert to the sensor's " + target->unit);
        continue;
      }
      value = s.value * from->factor / to->factor;
    }
    batch.push_back(s.sensor_id, s.ts, value, 0, row);
  }
  return batch;
}

sample_sink store_sink(storage::store& st,
                       std::function<void(const ingest::ingest_report&)> on_report,
                       ingest::ingest_options options) {
  struct cache {
    ingest::sensor_directory directory;
    std::optional<std::chrono::steady_clock::time_point> loaded;
  };
  auto c = std::make_shared<cache>();
  return [&st, c, on_report = std::move(on_report), options](std::span<const sample> samples) {
    // Re-read the sensors when one is unknown (created since), at most once a minute: a binding
    // to a sensor that does not exist must not reload the whole list at every poll.
    const auto now = std::chrono::steady_clock::now();
    bool unknown = false;
    for (const auto& s : samples)
      unknown = unknown || c->directory.find(s.sensor_id) == nullptr;
    if (!c->loaded || (unknown && now - *c->loaded >= std::chrono::minutes{1})) {
      c->directory = ingest::sensor_directory(st.list_all_sensors());
      c->loaded = now;
    }
    std::vector<ingest::rejection> refused;
    const auto batch = to_reading_batch(samples, c->directory, refused);
    const auto report = ingest::ingest_batch(st, c->directory, batch, options, refused);
    if (on_report) on_report(report);
  };
}

}  // namespace energy::modbus
